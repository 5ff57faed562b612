package main

import (
	"errors"
	"fmt"
	"regexp"
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
