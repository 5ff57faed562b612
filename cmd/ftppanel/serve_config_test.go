package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ftppanel/ftppanel/internal/ftpd"
	"github.com/ftppanel/ftppanel/internal/panel"
)

func TestServeConfigCheck(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		cfg := defaultServeConfig()
		if err := cfg.check(); err != nil {
			t.Fatalf("the defaults do not pass: %v", err)
		}
		off := defaultServeConfig()
		off.BanAfter, off.BanTime = 0, 0 // bans off: their time is not used
		if err := off.check(); err != nil {
			t.Errorf("--ban-after 0 --ban-time 0: %v", err)
		}
		if cfg.passive != (ftpd.PortRange{Low: 50000, High: 50100}) {
			t.Errorf("passive ports %+v, from %q", cfg.passive, cfg.PassivePorts)
		}
	})
	for _, tc := range []struct {
		name   string
		change func(*serveConfig)
		option string
		want   string
	}{
		{"passive ports not a range", func(c *serveConfig) { c.PassivePorts = "21" }, "passive-ports", `"21" is not a port range`},
		{"passive ports reversed", func(c *serveConfig) { c.PassivePorts = "60000-50000" }, "passive-ports", "LOW <= HIGH"},
		{"passive ports privileged", func(c *serveConfig) { c.PassivePorts = "20-30" }, "passive-ports", "1024 <= LOW"},
		{"idle timeout too short", func(c *serveConfig) { c.IdleTimeout = 10 * time.Millisecond }, "idle-timeout", "10ms: must be at least 1s"},
		{"idle timeout zero", func(c *serveConfig) { c.IdleTimeout = 0 }, "idle-timeout", "at least 1s"},
		{"history days negative", func(c *serveConfig) { c.HistoryDays = -1 }, "history-days", "-1: must be 0 or more"},
		{"public host IPv6", func(c *serveConfig) { c.PublicHost = "::1" }, "public-host", "want an IPv4 address"},
		{"public host a name", func(c *serveConfig) { c.PublicHost = "ftp.example.com" }, "public-host", "want an IPv4 address"},
		{"max sessions negative", func(c *serveConfig) { c.MaxSessions = -1 }, "max-sessions", "must be 0 or more"},
		{"per address negative", func(c *serveConfig) { c.MaxSessionsPerIP = -1 }, "max-sessions-per-ip", "must be 0 or more"},
		{"per login negative", func(c *serveConfig) { c.MaxSessionsPerLogin = -5 }, "max-sessions-per-login", "-5: must be 0 or more"},
		{"ban after negative", func(c *serveConfig) { c.BanAfter = -2 }, "ban-after", "must be 0 or more"},
		{"ban time zero", func(c *serveConfig) { c.BanTime = 0 }, "ban-time", "0s: must be at least 1s"},
		{"ban time too long", func(c *serveConfig) { c.BanTime = 50000 * time.Hour }, "ban-time", "must be at most 720h0m0s"},
		{"ban window negative", func(c *serveConfig) { c.BanWindow = -time.Minute }, "ban-window", "must be at least 1s"},
		{"login timeout negative", func(c *serveConfig) { c.LoginTimeout = -time.Second }, "login-timeout", "-1s: must be 0 or more"},
		{"stall timeout negative", func(c *serveConfig) { c.StallTimeout = -time.Second }, "stall-timeout", "-1s: must be 0 or more"},
		{"no-transfer timeout negative", func(c *serveConfig) { c.NoTransferTimeout = -time.Minute }, "no-transfer-timeout", "must be 0 or more"},
		{"failed login delay negative", func(c *serveConfig) { c.FailedLoginDelay = -time.Second }, "failed-login-delay", "must be 0 or more"},
		{"panel lock after zero", func(c *serveConfig) { c.PanelLockAfter = 0 }, "panel-lock-after", "0: must be 1 or more"},
		{"panel address lock after zero", func(c *serveConfig) { c.PanelIPLockAfter = 0 }, "panel-ip-lock-after", "must be 1 or more"},
		{"panel lock too short", func(c *serveConfig) { c.PanelLockTime = time.Millisecond }, "panel-lock-time", "must be at least 1s"},
		{"panel delay negative", func(c *serveConfig) { c.PanelFailDelay = -time.Second }, "panel-failed-login-delay", "-1s: must be 0 or more"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := defaultServeConfig()
			tc.change(cfg)
			err := cfg.check()
			var o *optionError
			if !errors.As(err, &o) {
				t.Fatalf("check() = %v, want the option named", err)
			}
			if o.name != tc.option || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "--"+tc.option+": ") {
				t.Errorf("check() = %q (option %s), want --%s: ...%s", err, o.name, tc.option, tc.want)
			}
		})
	}
	// Zero is a valid "never" or "no limit" where the help says so.
	t.Run("zero is off", func(t *testing.T) {
		cfg := defaultServeConfig()
		cfg.HistoryDays, cfg.MaxSessions, cfg.MaxSessionsPerIP, cfg.MaxSessionsPerLogin, cfg.BanAfter = 0, 0, 0, 0, 0
		cfg.LoginTimeout, cfg.IdleWarning, cfg.PanelFailDelay = 0, 0, 0
		if err := cfg.check(); err != nil {
			t.Errorf("check() = %v", err)
		}
	})
}

// The idle timeout's default is one value: what --help and --print-config
// show, what the FTP server and the panel are given, and what the FTP server
// takes when given none.
func TestServeDefaultsComeFromOnePlace(t *testing.T) {
	_, help, err := runCmd(t, testEnv, "serve", "--help")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`-idle-timeout long\n.*\(default (\S+)\)\n`).FindStringSubmatch(help)
	if m == nil {
		t.Fatalf("--help shows no default for --idle-timeout:\n%s", help)
	}
	inHelp, err := time.ParseDuration(m[1])
	if err != nil {
		t.Fatal(err)
	}
	out, _, err := runCmd(t, testEnv, "serve", "--print-config")
	if err != nil {
		t.Fatal(err)
	}
	printed, err := time.ParseDuration(strings.Trim(printedConfig(t, out)["idle-timeout"][0], `"`))
	if err != nil {
		t.Fatal(err)
	}
	cfg := defaultServeConfig()
	if err := cfg.check(); err != nil {
		t.Fatal(err)
	}
	for what, d := range map[string]time.Duration{
		"--print-config":                       printed,
		"the FTP server's configuration":       cfg.ftpdConfig().IdleTimeout,
		"the panel's configuration":            cfg.panelConfig(nil, nil, nil).IdleTimeout,
		"the FTP server's default when left 0": ftpd.DefaultIdleTimeout,
	} {
		if d != inHelp {
			t.Errorf("--help's default idle timeout is %s, %s has %s", inHelp, what, d)
		}
	}

	// The panel's sign-in limits are the panel's own defaults, not copies.
	limits := cfg.panelConfig(nil, nil, nil).LoginLimits
	want := panel.DefaultLoginLimits
	if limits.AccountFailures != want.AccountFailures || limits.AddressFailures != want.AddressFailures ||
		limits.Lock != want.Lock || limits.FailureDelay != want.FailureDelay {
		t.Errorf("serve's default sign-in limits %+v, the panel's %+v", limits, want)
	}
	if !strings.Contains(help, fmt.Sprintf("within %d minutes", int(want.Window.Minutes()))) {
		t.Errorf("--help does not name the panel's %s window", want.Window)
	}
}

// fleetConfigFor is the default configuration with changes, on a host named host.
func fleetConfigFor(host string, change func(*serveConfig)) *serveConfig {
	cfg := defaultServeConfig()
	cfg.hostname = func() (string, error) { return host, nil }
	change(cfg)
	return cfg
}

// natsURLs sets --nats-url as the command line would.
func natsURLs(t *testing.T, cfg *serveConfig, urls string) {
	t.Helper()
	if err := cfg.NATSURLs.Set(urls); err != nil {
		t.Fatal(err)
	}
}

func TestServeConfigFleet(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := func(name, text string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	creds := file("fleet.creds", "-----BEGIN NATS USER JWT-----\neyJ0eXAiOiJKV1QifQ.e30.sig\n------END NATS USER JWT------\n\n"+
		"-----BEGIN USER NKEY SEED-----\nSUAEXAMPLE\n------END USER NKEY SEED------\n")
	notCreds := file("notes.txt", "user = fleet\n")
	if _, err := ftpd.LoadTLS(dir, "", "", true); err != nil { // a PEM certificate, as a private CA's
		t.Fatal(err)
	}
	ca := filepath.Join(dir, "tls", "cert.pem")
	missing := filepath.Join(dir, "missing.creds")
	const joins = "nats://n1.example.com:4222,nats://n2.example.com:4222"

	t.Run("OK", func(t *testing.T) {
		for name, tc := range map[string]struct {
			host     string
			change   func(t *testing.T, c *serveConfig)
			wantNode string
		}{
			"a node alone keeps no name": {"web01", func(*testing.T, *serveConfig) {}, ""},
			"named after its host, lowercased": {"WEB01.Example.COM", func(t *testing.T, c *serveConfig) {
				natsURLs(t, c, joins)
			}, "web01.example.com"},
			"named by --node": {"not a name", func(t *testing.T, c *serveConfig) {
				natsURLs(t, c, joins)
				c.Node = "a"
			}, "a"},
			"credentials and a private CA": {"web01", func(t *testing.T, c *serveConfig) {
				natsURLs(t, c, "tls://n1.example.com:4222")
				c.NATSCreds, c.NATSCA = creds, ca
			}, "web01"},
			"its own NATS server with a token": {"web01", func(t *testing.T, c *serveConfig) {
				c.NATSListen, c.NATSToken = "127.0.0.1:4222", "a-token-long-enough"
			}, "web01"},
			"its own NATS server on every address": {"web01", func(t *testing.T, c *serveConfig) {
				c.NATSListen = ":4222"
			}, "web01"},
		} {
			t.Run(name, func(t *testing.T) {
				cfg := fleetConfigFor(tc.host, func(c *serveConfig) { tc.change(t, c) })
				if err := cfg.check(); err != nil {
					t.Fatalf("check() = %v", err)
				}
				if cfg.Node != tc.wantNode {
					t.Errorf("node %q, want %q", cfg.Node, tc.wantNode)
				}
			})
		}
	})

	for _, tc := range []struct {
		name   string
		host   string
		change func(t *testing.T, c *serveConfig)
		option string
		want   string
	}{
		{"bad node name", "web01", func(t *testing.T, c *serveConfig) { natsURLs(t, c, joins); c.Node = "Web_01" },
			"node", `node name "Web_01" is not allowed`},
		{"bad node name alone", "web01", func(t *testing.T, c *serveConfig) { c.Node = "-a" },
			"node", `node name "-a" is not allowed`},
		{"host name too long", "ip-10-0-0-12.eu-west-1.compute.internal", func(t *testing.T, c *serveConfig) { natsURLs(t, c, joins) },
			"node", `the host name "ip-10-0-0-12.eu-west-1.compute.internal" cannot name this node: node name "ip-10-0-0-12.eu-west-1.compute.internal" is too long (at most 32 characters); name it with --node NAME`},
		{"host name not a name", "_gateway", func(t *testing.T, c *serveConfig) { c.NATSListen = ":4222" },
			"node", "name it with --node NAME"},
		{"missing credentials file", "web01", func(t *testing.T, c *serveConfig) { natsURLs(t, c, joins); c.NATSCreds = missing },
			"nats-creds", fmt.Sprintf("%q: no such file", missing)},
		{"not a credentials file", "web01", func(t *testing.T, c *serveConfig) { natsURLs(t, c, joins); c.NATSCreds = notCreds },
			"nats-creds", `not a NATS credentials file (no "NATS USER JWT" block)`},
		{"credentials without --nats-url", "web01", func(t *testing.T, c *serveConfig) { c.NATSCreds = creds },
			"nats-creds", "only used with --nats-url"},
		{"credentials with only --nats-listen", "web01", func(t *testing.T, c *serveConfig) { c.NATSListen = ":4222"; c.NATSCreds = creds },
			"nats-creds", "only used with --nats-url"},
		{"CA not PEM", "web01", func(t *testing.T, c *serveConfig) { natsURLs(t, c, joins); c.NATSCA = notCreds },
			"nats-ca", "holds no PEM certificate"},
		{"CA a directory", "web01", func(t *testing.T, c *serveConfig) { natsURLs(t, c, joins); c.NATSCA = dir },
			"nats-ca", "is a directory"},
		{"CA missing", "web01", func(t *testing.T, c *serveConfig) { natsURLs(t, c, joins); c.NATSCA = missing },
			"nats-ca", "no such file"},
		{"listen without a port", "web01", func(t *testing.T, c *serveConfig) { c.NATSListen = "127.0.0.1" },
			"nats-listen", `"127.0.0.1" is not HOST:PORT, such as 127.0.0.1:4222`},
		{"listen on a named port", "web01", func(t *testing.T, c *serveConfig) { c.NATSListen = "127.0.0.1:nats" },
			"nats-listen", "the port must be a number from 0 to 65535"},
		{"listen and join", "web01", func(t *testing.T, c *serveConfig) { natsURLs(t, c, joins); c.NATSListen = ":4222" },
			"nats-listen", "not both"},
		{"listen with a short token", "web01", func(t *testing.T, c *serveConfig) { c.NATSListen = ":4222"; c.NATSToken = "secret" },
			"nats-token", "too short: at least 16 characters"},
		{"listen with a token that is no URL's", "web01", func(t *testing.T, c *serveConfig) {
			c.NATSListen = ":4222"
			c.NATSToken = "a-token-long-enough@host"
		}, "nats-token", "so that it goes as it is in nats://TOKEN@HOST:PORT"},
		{"token alone", "web01", func(t *testing.T, c *serveConfig) { c.NATSToken = "a-token-long-enough" },
			"nats-token", "only used with --nats-listen or --nats-url"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := fleetConfigFor(tc.host, func(c *serveConfig) { tc.change(t, c) })
			err := cfg.check()
			var o *optionError
			if !errors.As(err, &o) {
				t.Fatalf("check() = %v, want the option named", err)
			}
			if o.name != tc.option || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "--"+tc.option+": ") {
				t.Errorf("check() = %q (option %s), want --%s: ...%s", err, o.name, tc.option, tc.want)
			}
		})
	}

	t.Run("host name unreadable", func(t *testing.T) {
		cfg := defaultServeConfig()
		cfg.hostname = func() (string, error) { return "", errors.New("no UTS namespace") }
		natsURLs(t, cfg, joins)
		if err := cfg.check(); err == nil || !strings.Contains(err.Error(), "--node: this host's name cannot be read (no UTS namespace); name this node with --node NAME") {
			t.Errorf("check() = %v", err)
		}
	})
	t.Run("a node alone does not read its host name", func(t *testing.T) {
		cfg := defaultServeConfig()
		cfg.hostname = func() (string, error) { t.Error("the host name was read"); return "", nil }
		if err := cfg.check(); err != nil {
			t.Error(err)
		}
		if _, _, ok, err := cfg.fleetConfig(io.Discard); ok || err != nil {
			t.Errorf("fleetConfig() says the node is in a fleet (%v)", err)
		}
	})
	t.Run("URLs", func(t *testing.T) {
		var f natsURLsFlag
		for _, bad := range []string{"n1.example.com:4222", "http://n1.example.com:4222", "nats://", "nats://s3cr3t-token@:4222/%zz"} {
			err := f.Set("nats://ok.example.com," + bad)
			if err == nil || !strings.Contains(err.Error(), "is not a NATS server URL such as nats://nats1.example.com:4222") {
				t.Errorf("--nats-url %s: %v", bad, err)
			}
			if err != nil && strings.Contains(err.Error(), "s3cr3t") {
				t.Errorf("the error shows the token: %v", err)
			}
		}
		if err := f.Set(" nats://u:pw@n1:4222 , tls://s3cr3t@n2:4222,ws://n3:8080,"); err != nil {
			t.Fatal(err)
		}
		if want := []string{"nats://u:pw@n1:4222", "tls://s3cr3t@n2:4222", "ws://n3:8080"}; !slices.Equal(f.urls, want) {
			t.Errorf("URLs %q, want %q", f.urls, want)
		}
		if got, want := f.String(), "nats://********@n1:4222,tls://********@n2:4222,ws://n3:8080"; got != want {
			t.Errorf("shown as %q, want %q", got, want)
		}
	})
}

// The fleet's options come from the environment and the config file as every
// other option does, and --print-config shows no secret.
func TestServeFleetOptionsFromEnvironmentAndFile(t *testing.T) {
	t.Parallel()
	getenv := envMap(map[string]string{
		"FTPPANEL_NATS_URL":   "nats://s3cr3t-token@n1.example.com:4222,nats://n2.example.com:4222",
		"FTPPANEL_NODE":       "web-01",
		"FTPPANEL_NATS_TOKEN": "t0ken-in-the-environment",
	})
	out, _, err := runCmd(t, getenv, "serve", "--print-config")
	if err != nil {
		t.Fatal(err)
	}
	got := printedConfig(t, out)
	for name, want := range map[string][2]string{
		"nats-url":    {`"nats://********@n1.example.com:4222,nats://n2.example.com:4222"`, "FTPPANEL_NATS_URL"},
		"node":        {`"web-01"`, "FTPPANEL_NODE"},
		"nats-token":  {`"********"`, "FTPPANEL_NATS_TOKEN"},
		"nats-listen": {`""`, "default"},
	} {
		if got[name] != want {
			t.Errorf("%s: printed %q, want %q", name, got[name], want)
		}
	}
	if strings.Contains(out, "s3cr3t") || strings.Contains(out, "t0ken") {
		t.Errorf("--print-config shows a secret:\n%s", out)
	}

	file := writeConfig(t, "nats-url = [\"nats://n1.example.com:4222\", \"nats://n2.example.com:4222\", \"nats://n3.example.com:4222\"]\nnode = \"b\"\n")
	out, _, err = runCmd(t, testEnv, "serve", "--config", file, "--print-config")
	if err != nil {
		t.Fatal(err)
	}
	got = printedConfig(t, out)
	if want := [2]string{`"nats://n1.example.com:4222,nats://n2.example.com:4222,nats://n3.example.com:4222"`, "config file " + file}; got["nats-url"] != want {
		t.Errorf("nats-url from a TOML array: printed %q, want %q", got["nats-url"], want)
	}

	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"FTPPANEL_NATS_URL": "http://s3cr3t@n1:4222"}, `FTPPANEL_NATS_URL="http://s3cr3t@n1:4222": "http://********@n1:4222" is not a NATS server URL`},
		{map[string]string{"FTPPANEL_NATS_URL": "nats://n1:4222", "FTPPANEL_NODE": "Web 01"}, `FTPPANEL_NODE: node name "Web 01" is not allowed`},
		{map[string]string{"FTPPANEL_NATS_LISTEN": "4222"}, `FTPPANEL_NATS_LISTEN: "4222" is not HOST:PORT`},
	} {
		_, _, err := runCmd(t, envMap(tc.env), "serve", "--print-config")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v, want %q", tc.env, err, tc.want)
		}
	}
}

// --nats-listen's server asks every client for a token: without --nats-token,
// one is generated into DATA/nats-token, readable only by the server's user,
// printed on the first start and read again on the next ones.
func TestServeNATSListenToken(t *testing.T) {
	t.Parallel()
	data := filepath.Join(t.TempDir(), "data") // not there yet, as on a first start
	cfg := fleetConfigFor("web01", func(c *serveConfig) {
		c.DataDir = data
		c.NATSListen = "127.0.0.1:4222"
	})
	if err := cfg.check(); err != nil {
		t.Fatal(err)
	}
	var first strings.Builder
	fc, server, ok, err := cfg.fleetConfig(&first)
	if err != nil || !ok || server == nil {
		t.Fatalf("fleetConfig() = %+v, %+v, %v, %v", fc, server, ok, err)
	}
	token := server.Token
	if fc.Token != token || fc.Node != "web01" || len(fc.URLs) != 0 {
		t.Errorf("the node joins with %+v; want its own server with token %q, node web01, no URLs", fc, token)
	}
	if server.Listen != "127.0.0.1:4222" || server.StoreDir != filepath.Join(data, "nats") {
		t.Errorf("server %+v", server)
	}
	if err := checkListenToken(token); err != nil {
		t.Errorf("generated token %q: %v", token, err)
	}
	for _, want := range []string{"NATS token (shown only this once", token, "Other nodes join with --nats-url nats://" + token + "@127.0.0.1:4222\n"} {
		if !strings.Contains(first.String(), want) {
			t.Errorf("the first start printed %q, without %q", first.String(), want)
		}
	}
	path := filepath.Join(data, "nats-token")
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("DATA/nats-token has mode %v, want 0600", info.Mode().Perm())
	}
	if text, _ := os.ReadFile(path); strings.TrimSpace(string(text)) != token {
		t.Errorf("DATA/nats-token holds %q, the server was given %q", text, token)
	}
	entries, _ := os.ReadDir(data)
	if len(entries) != 1 {
		t.Errorf("the data directory holds %d entries, want only nats-token: %v", len(entries), entries)
	}

	// The next start uses the same token and prints nothing.
	var second strings.Builder
	_, server2, _, err := cfg.fleetConfig(&second)
	if err != nil || server2.Token != token || second.Len() != 0 {
		t.Errorf("second start: token %q (first %q), printed %q, error %v", server2.Token, token, second.String(), err)
	}

	// A spoiled file stops the start, saying what to do.
	if err := os.WriteFile(path, []byte("short\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := cfg.fleetConfig(io.Discard); err == nil || !strings.Contains(err.Error(), "delete the file for a new one, or give --nats-token") {
		t.Errorf("a spoiled token file: %v", err)
	}

	// --nats-token wins, and no file is made.
	other := t.TempDir()
	cfg = fleetConfigFor("web01", func(c *serveConfig) {
		c.DataDir = other
		c.NATSListen = ":4222"
		c.NATSToken = "given-on-the-command-line"
	})
	if err := cfg.check(); err != nil {
		t.Fatal(err)
	}
	var given strings.Builder
	fc, server, _, err = cfg.fleetConfig(&given)
	if err != nil || server.Token != "given-on-the-command-line" || fc.Token != server.Token || given.Len() != 0 {
		t.Errorf("--nats-token: %+v, %+v, printed %q, %v", fc, server, given.String(), err)
	}
	if _, err := os.Stat(filepath.Join(other, "nats-token")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("DATA/nats-token made despite --nats-token: %v", err)
	}

	// On every address, the hint names no address.
	cfg = fleetConfigFor("web01", func(c *serveConfig) { c.DataDir = t.TempDir(); c.NATSListen = ":4222" })
	if err := cfg.check(); err != nil {
		t.Fatal(err)
	}
	var anyAddr strings.Builder
	if _, server, _, err := cfg.fleetConfig(&anyAddr); err != nil || !strings.Contains(anyAddr.String(), "nats://"+server.Token+"@HOST:4222") {
		t.Errorf("listening on :4222, printed %q (%v)", anyAddr.String(), err)
	}
}

// A node that joins NATS servers passes on what signs in to them.
func TestServeFleetConfigJoins(t *testing.T) {
	t.Parallel()
	cfg := fleetConfigFor("web01", func(c *serveConfig) {
		c.DataDir = t.TempDir()
		natsURLs(t, c, "nats://n1:4222,nats://n2:4222")
		c.Node = "b"
		c.NATSToken = "from-the-environment"
	})
	if err := cfg.check(); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	fc, server, ok, err := cfg.fleetConfig(&out)
	if err != nil || !ok || server != nil || out.Len() != 0 {
		t.Fatalf("fleetConfig() = %+v, %+v, %v, %v; printed %q", fc, server, ok, err, out.String())
	}
	if !slices.Equal(fc.URLs, []string{"nats://n1:4222", "nats://n2:4222"}) || fc.Node != "b" || fc.Token != "from-the-environment" {
		t.Errorf("fleet config %+v", fc)
	}
}
