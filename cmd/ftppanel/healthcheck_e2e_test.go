package main

import (
	"strings"
	"testing"
)

func TestHealthcheck(t *testing.T) {
	t.Parallel()
	in := start(t)
	addr := strings.TrimPrefix(in.panelURL, "http://")
	_, port, _ := strings.Cut(addr, ":")

	out, _, err := runCmd(t, testEnv, "healthcheck", "--http-addr", addr)
	if err != nil || !strings.HasPrefix(out, "healthy: GET "+in.panelURL+"/healthz: 200 OK") {
		t.Errorf("healthcheck of a running server: %v\n%s", err, out)
	}
	// As in the container: serve's own variables, and an address for every
	// interface, reached over loopback.
	if out, _, err := runCmd(t, envMap(map[string]string{"FTPPANEL_HTTP_ADDR": ":" + port}), "healthcheck"); err != nil {
		t.Errorf("healthcheck with FTPPANEL_HTTP_ADDR=:%s: %v\n%s", port, err, out)
	}
	// The same config file as serve, keys it does not use included.
	file := writeConfig(t, "http-addr = \"0.0.0.0:"+port+"\"\nidle-timeout = \"1h\"\n")
	if out, _, err := runCmd(t, testEnv, "healthcheck", "--config", file); err != nil {
		t.Errorf("healthcheck with serve's config file: %v\n%s", err, out)
	}

	in.shutdown()
	_, _, err = runCmd(t, testEnv, "healthcheck", "--http-addr", addr)
	if err == nil || !strings.Contains(err.Error(), "unhealthy") {
		t.Errorf("healthcheck of a stopped server: %v, want unhealthy", err)
	}
	if _, _, err := runCmd(t, testEnv, "healthcheck", "--http-addr", "not an address"); err == nil {
		t.Error("healthcheck with a bad address succeeded")
	}
}
