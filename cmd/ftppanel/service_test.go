package main

import (
	"context"
	"net"
	"path/filepath"
	"strings"
	"testing"
)

// freeAddr is a loopback address no one listens on now.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// A taken address fails Run before anything serves, and Close gives back every
// address Run had taken.
func TestServiceRunFailsOnATakenAddress(t *testing.T) {
	for _, tc := range []struct {
		taken string // which address is taken
		want  string
	}{
		{"ftp", "FTP server: "},
		{"http", "web panel: "},
		{"metrics", "metrics: "},
	} {
		t.Run(tc.taken, func(t *testing.T) {
			taken, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer taken.Close()
			cfg := defaultServeConfig()
			cfg.DataDir = filepath.Join(t.TempDir(), "data")
			cfg.PassivePorts = "42000-42009"
			addrs := map[string]*string{"ftp": &cfg.FTPAddr, "http": &cfg.HTTPAddr, "metrics": &cfg.MetricsAddr}
			for name, addr := range addrs {
				*addr = freeAddr(t)
				if name == tc.taken {
					*addr = taken.Addr().String()
				}
			}
			if err := cfg.check(); err != nil {
				t.Fatal(err)
			}
			var stdout syncBuffer
			c := &cli{prog: "ftppanel", getenv: testEnv, stdin: strings.NewReader(""), stdout: &stdout, stderr: &syncBuffer{}}
			svc := newService(cfg, c)
			err = svc.Run(context.Background())
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) || !strings.Contains(err.Error(), "address already in use") {
				t.Errorf("Run = %v, want %q and why", err, tc.want)
			}
			if err := svc.Close(); err != nil {
				t.Errorf("Close after a failed Run: %v", err)
			}
			if strings.Contains(stdout.String(), "listening") {
				t.Errorf("a part said it was listening:\n%s", stdout.String())
			}
			for name, addr := range addrs {
				if name == tc.taken {
					continue
				}
				ln, err := net.Listen("tcp", *addr)
				if err != nil {
					t.Errorf("%s's address is still taken after Close: %v", name, err)
					continue
				}
				ln.Close()
			}
		})
	}
}
