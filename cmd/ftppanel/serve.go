package main

import (
	"cmp"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/ftppanel/ftppanel/internal/ftpd"
	"github.com/ftppanel/ftppanel/internal/panel"
	"github.com/ftppanel/ftppanel/internal/session"
)

// ftpConnectionTimeout is how long a passive listener waits for its data
// connection; zero is the FTP server's default. Tests shorten it.
var ftpConnectionTimeout time.Duration

// shutdownGrace bounds how long a stop waits for requests and sessions to end.
const shutdownGrace = 10 * time.Second

// serve runs the FTP server and the panel until ctx is cancelled.
func (c *cli) serve(ctx context.Context, args []string) error {
	fs, data := c.flags("serve", "serve [--data DIR] [--config FILE] [--print-config] [--ftp-addr HOST:PORT] [--http-addr HOST:PORT] [--passive-ports LOW-HIGH] [--idle-timeout D] [--idle-warning D] [--history-days N] [--metrics-addr HOST:PORT] [--base-path /PATH] [OPTION...]")
	ftpAddr := fs.String("ftp-addr", ":2121", "FTP control `HOST:PORT`")
	httpAddr := fs.String("http-addr", "127.0.0.1:8080", "web panel `HOST:PORT`")
	passiveText := fs.String("passive-ports", "50000-50100", "`LOW-HIGH` ports for passive data connections")
	idleTimeout := fs.Duration("idle-timeout", 15*time.Minute, "disconnect FTP sessions idle this `long` (at least 1s)")
	idleWarning := fs.Duration("idle-warning", 5*time.Minute, "mark sessions idle this `long` in the panel (0: never)")
	metricsAddr := fs.String("metrics-addr", "", "serve Prometheus metrics at http://`HOST:PORT`/metrics (off when empty)")
	historyDays := fs.Int("history-days", 30, "keep ended sessions this many `days` (0 keeps them forever)")
	publicHost := fs.String("public-host", "", "the IPv4 `ADDRESS` passive replies name, when clients reach the server through NAT")
	loginTimeout := fs.Duration("login-timeout", time.Minute, "drop connections that have not logged in after this `long` (0: never)")
	maxSessions := fs.Int("max-sessions", 10000, "FTP connections the server takes at once (0: no limit)")
	maxPerIP := fs.Int("max-sessions-per-ip", 100, "FTP connections from one address (0: no limit)")
	maxPerLogin := fs.Int("max-sessions-per-login", 50, "sessions of one FTP account (0: no limit)")
	maxPassivePerIP := fs.Int("max-passive-per-ip", 0, "passive ports one address holds at once (0: a quarter of --passive-ports)")
	failDelay := fs.Duration("failed-login-delay", time.Second, "wait this `long` before answering a failed FTP login")
	banAfter := fs.Int("ban-after", 10, "ban an address after this many failed FTP logins within --ban-window (0: never)")
	banWindow := fs.Duration("ban-window", 15*time.Minute, "the `window` in which failed logins count toward a ban")
	banTime := fs.Duration("ban-time", 15*time.Minute, "how `long` a first ban lasts; each repeat doubles it")
	tlsOn := fs.Bool("tls", false, "offer FTPS (AUTH TLS) with a self-signed certificate kept in DATA/tls")
	tlsCert := fs.String("tls-cert", "", "offer FTPS with this certificate `FILE` (PEM; with --tls-key)")
	tlsKey := fs.String("tls-key", "", "the private key `FILE` of --tls-cert (PEM)")
	requireTLS := fs.Bool("require-tls", false, "refuse FTP logins that are not encrypted (implies --tls)")
	var basePath basePathFlag
	fs.Var(&basePath, "base-path", "serve the panel under this `/PATH` (as a reverse proxy forwards it), not at /")
	var proxies proxiesFlag
	fs.Var(&proxies, "trusted-proxies", "believe X-Forwarded-For and X-Forwarded-Proto only from these `ADDRESSES`: IPs and CIDR ranges, comma-separated")
	frameAncestors := frameAncestorsFlag{}
	fs.Var(&frameAncestors, "frame-ancestors", "let these `SOURCES` show the panel in a frame: 'self' and origins such as https://panel.example.com, space-separated")
	panelLockAfter := fs.Int("panel-lock-after", panel.DefaultLoginLimits.AccountFailures, "lock a panel username after this many failed sign-ins within 15 minutes")
	panelIPLockAfter := fs.Int("panel-ip-lock-after", panel.DefaultLoginLimits.AddressFailures, "lock an address (IPv6: its /64) after this many failed panel sign-ins within 15 minutes")
	panelLockTime := fs.Duration("panel-lock-time", panel.DefaultLoginLimits.Lock, "how `long` a first panel sign-in lock lasts; repeats within a day double it, up to 1h (or this, if longer)")
	panelFailDelay := fs.Duration("panel-failed-login-delay", panel.DefaultLoginLimits.FailureDelay, "wait this `long` before answering a failed panel sign-in (0: not at all)")
	cfg, positional, stop, err := c.parseConfig(fs, args)
	if stop {
		return err
	}
	if len(positional) > 0 {
		fs.Usage()
		return errUsage
	}
	passive, err := parsePortRange(*passiveText)
	if err != nil {
		return cfg.invalid("passive-ports", err)
	}
	if *idleTimeout < time.Second {
		return cfg.invalid("idle-timeout", fmt.Errorf("%s: must be at least 1s", *idleTimeout))
	}
	if *historyDays < 0 {
		return cfg.invalid("history-days", fmt.Errorf("%d: must be 0 or more", *historyDays))
	}
	if *publicHost != "" {
		if ip := net.ParseIP(*publicHost); ip == nil || ip.To4() == nil {
			return cfg.invalid("public-host", fmt.Errorf("%q: want an IPv4 address", *publicHost))
		}
	}
	for name, n := range map[string]int{"max-sessions": *maxSessions, "max-sessions-per-ip": *maxPerIP,
		"max-sessions-per-login": *maxPerLogin, "max-passive-per-ip": *maxPassivePerIP, "ban-after": *banAfter} {
		if n < 0 {
			return cfg.invalid(name, fmt.Errorf("%d: must be 0 or more", n))
		}
	}
	for name, n := range map[string]int{"panel-lock-after": *panelLockAfter, "panel-ip-lock-after": *panelIPLockAfter} {
		if n < 1 {
			return cfg.invalid(name, fmt.Errorf("%d: must be 1 or more", n))
		}
	}
	if *panelLockTime < time.Second {
		return cfg.invalid("panel-lock-time", fmt.Errorf("%s: must be at least 1s", *panelLockTime))
	}
	if *panelFailDelay < 0 {
		return cfg.invalid("panel-failed-login-delay", fmt.Errorf("%s: must be 0 or more", *panelFailDelay))
	}
	if cfg.print {
		return cfg.write(c.stdout, "serve")
	}

	log := slog.New(slog.NewTextHandler(c.stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	db, err := c.openStore(ctx, *data)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := c.ensureAdmin(ctx, db); err != nil {
		return err
	}
	db.WarmUp(ctx)
	tlsConfig, err := ftpd.LoadTLS(*data, *tlsCert, *tlsKey, *tlsOn || *requireTLS)
	if err != nil {
		return err
	}

	registry := session.NewRegistry()
	ftp, err := ftpd.Start(ftpd.Config{
		Addr:                *ftpAddr,
		PassivePorts:        passive,
		MaxPassivePerIP:     *maxPassivePerIP,
		ConnectionTimeout:   ftpConnectionTimeout,
		DataDir:             *data,
		IdleTimeout:         *idleTimeout,
		HistoryRetention:    time.Duration(*historyDays) * 24 * time.Hour,
		PublicHost:          *publicHost,
		LoginTimeout:        *loginTimeout,
		MaxSessions:         *maxSessions,
		MaxSessionsPerIP:    *maxPerIP,
		MaxSessionsPerLogin: *maxPerLogin,
		FailedLoginDelay:    *failDelay,
		BanAfter:            *banAfter,
		BanWindow:           *banWindow,
		BanTime:             *banTime,
		TLS:                 tlsConfig,
		RequireTLS:          *requireTLS,
		Store:               db,
		Registry:            registry,
		Logger:              log.With(slog.String("component", "ftp")),
	})
	if err != nil {
		return err
	}
	sampling, stopSampling := context.WithCancel(context.Background())
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		registry.Run(sampling)
	}()
	released := make(chan struct{})
	go func() {
		defer close(released)
		releaseMemory(sampling, releaseMemoryEvery)
	}()
	defer func() {
		stopSampling()
		<-sampled
		<-released
	}()
	// Listen before serving, so a bad address fails now.
	httpLn, err := net.Listen("tcp", *httpAddr)
	if err != nil {
		return errors.Join(fmt.Errorf("web panel: %w", err), ftp.Shutdown(context.Background()))
	}
	web := &http.Server{
		Handler: panel.New(panel.Config{
			Store:       db,
			Registry:    registry,
			Logger:      log.With(slog.String("component", "panel")),
			IdleTimeout: *idleTimeout,
			IdleWarning: *idleWarning,

			BasePath:       basePath.path,
			TrustedProxies: proxies.prefixes,
			FrameAncestors: frameAncestors.sources,
			LoginLimits: panel.LoginLimits{
				AccountFailures: *panelLockAfter,
				AddressFailures: *panelIPLockAfter,
				Lock:            *panelLockTime,
				FailureDelay:    cmp.Or(*panelFailDelay, -1), // 0 is none, not the default
			},
		}),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		// Requests end when serving does: live streams would otherwise hold up
		// the shutdown.
		BaseContext: func(net.Listener) context.Context { return ctx },
	}
	served := make(chan error, 2)
	go func() { served <- web.Serve(httpLn) }()
	var metrics *http.Server
	if *metricsAddr != "" {
		metricsLn, err := net.Listen("tcp", *metricsAddr)
		if err != nil {
			return errors.Join(fmt.Errorf("metrics: %w", err), web.Close(), ftp.Shutdown(context.Background()))
		}
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", panel.Metrics(registry))
		metrics = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
		go func() { served <- metrics.Serve(metricsLn) }()
		defer metrics.Close()
		fmt.Fprintf(c.stdout, "Metrics at http://%s/metrics\n", metricsLn.Addr())
	}

	security := "plain FTP"
	switch {
	case *requireTLS:
		security = "FTPS required"
	case tlsConfig != nil:
		security = "FTPS offered"
	}
	fmt.Fprintf(c.stdout, "FTP server listening on %s (passive ports %s, %s)\n", ftp.Addr(), *passiveText, security)
	fmt.Fprintf(c.stdout, "Web panel listening on http://%s%s\n", httpLn.Addr(), basePath.path)

	select {
	case <-ctx.Done():
	case err = <-served:
		err = fmt.Errorf("web panel or metrics: %w", err)
	}
	fmt.Fprintln(c.stdout, "Shutting down: closing the panel and every FTP session")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	errWeb := web.Shutdown(shutdownCtx)
	errFTP := ftp.Shutdown(shutdownCtx)
	return errors.Join(err, errWeb, errFTP)
}

// ensureAdmin creates the first admin on a first start and prints its password once.
func (c *cli) ensureAdmin(ctx context.Context, db interface {
	HasAdmin(context.Context) (bool, error)
	AddAdmin(context.Context, string, string) error
}) error {
	ok, err := db.HasAdmin(ctx)
	if err != nil || ok {
		return err
	}
	pw := rand.Text()
	if err := db.AddAdmin(ctx, "admin", pw); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, `First start: created the panel admin "admin" with password %s
(shown only this once). Add a hosting customer and an FTP account:
  echo 'customer-password' | %[2]s customer add acme
  echo 'ftp-password' | %[2]s ftp-user add bob --customer acme
`, pw, c.prog)
	return nil
}

// parsePortRange reads "LOW-HIGH".
func parsePortRange(s string) (ftpd.PortRange, error) {
	lowText, highText, ok := strings.Cut(s, "-")
	low, err1 := strconv.Atoi(lowText)
	high, err2 := strconv.Atoi(highText)
	if !ok || err1 != nil || err2 != nil {
		return ftpd.PortRange{}, fmt.Errorf("%q is not a port range such as 50000-50100", s)
	}
	if low < 1024 || high > 65535 || low > high {
		return ftpd.PortRange{}, fmt.Errorf("%q: ports must satisfy 1024 <= LOW <= HIGH <= 65535", s)
	}
	return ftpd.PortRange{Low: low, High: high}, nil
}
