package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"net/http"
	"time"
)

// healthcheck asks the running panel's /healthz whether the server is well,
// for a container's HEALTHCHECK: a minimal image has no curl. It takes serve's
// options, from the same command line, environment or config file, so it
// finds the panel wherever serve put it.
func (c *cli) healthcheck(ctx context.Context, args []string) error {
	fs, cfg, _ := c.serveFlagSet()
	c.addConfigFlags(fs) // before the usage below, which leaves their list to serve's
	fs.Init("healthcheck", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: %s healthcheck [serve's options]\n\n"+
			"Exits 0 when the panel that \"serve\" with the same options runs answers GET /healthz\n"+
			"with 200 (within 5 seconds), 1 otherwise. Options as for \"%[1]s serve --help\".\n", c.prog)
	}
	_, positional, stop, err := c.parseConfig(fs, args)
	if stop {
		return err
	}
	if len(positional) > 0 {
		fs.Usage()
		return errUsage
	}
	u, err := healthURL(cfg.HTTPAddr, cfg.BasePath.path)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	client := &http.Client{}
	defer client.CloseIdleConnections()
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("unhealthy: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("unhealthy: GET %s: %s", u, resp.Status)
	}
	fmt.Fprintf(c.stdout, "healthy: GET %s: %s\n", u, resp.Status)
	return nil
}

// healthURL is /healthz on the panel's address, reached over loopback when the
// panel listens on every address.
func healthURL(addr, basePath string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("http-addr %q: %w", addr, err)
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
		if ip != nil && ip.To4() == nil {
			host = "::1"
		}
	}
	return "http://" + net.JoinHostPort(host, port) + basePath + "/healthz", nil
}
