package main

import (
	"cmp"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ftppanel/ftppanel/internal/format"
	"github.com/ftppanel/ftppanel/internal/ftpd"
	"github.com/ftppanel/ftppanel/internal/panel"
	"github.com/ftppanel/ftppanel/internal/session"
	"github.com/ftppanel/ftppanel/internal/store"
)

// serveUsage is the command line "serve --help" shows.
const serveUsage = "serve [--data DIR] [--database URL] [--config FILE] [--print-config] [--ftp-addr HOST:PORT] [--http-addr HOST:PORT] [--passive-ports LOW-HIGH] [--idle-timeout D] [--idle-warning D] [--history-days N] [--metrics-addr HOST:PORT] [--base-path /PATH] [--nats-url URL[,URL...]] [--nats-listen HOST:PORT] [--node NAME] [OPTION...]"

// defaultHTTPAddr is where the panel listens unless told otherwise; the
// commands that talk to it look there too.
const defaultHTTPAddr = "127.0.0.1:8080"

// ftpConnectionTimeout is how long a passive listener waits for its data
// connection; zero is the FTP server's default. Tests shorten it.
var ftpConnectionTimeout time.Duration

// maxBanTime is the longest first ban --ban-time takes: 30 days.
const maxBanTime = 30 * 24 * time.Hour

// serveConfig is every option of "serve", parsed and, after check, usable.
type serveConfig struct {
	DataDir  string
	Database string // --database: empty or sqlite: for DataDir's SQLite file, or a postgres:// URL

	FTPAddr      string
	PassivePorts string // LOW-HIGH; check reads it into passive
	PublicHost   string
	IdleTimeout  time.Duration
	LoginTimeout time.Duration
	// ShutdownGrace lets transfers finish on a stop; 0 ends every session at once.
	ShutdownGrace time.Duration
	// StallTimeout and NoTransferTimeout: 0 turns each off.
	StallTimeout      time.Duration
	NoTransferTimeout time.Duration
	HistoryDays       int
	TransferLog       string

	MaxSessions, MaxSessionsPerIP, MaxSessionsPerLogin int
	MaxPassivePerIP                                    int
	// MaxRate caps all FTP transfers together, in bytes per second; 0 is none.
	MaxRate rateFlag

	FailedLoginDelay time.Duration
	BanAfter         int
	BanWindow        time.Duration
	BanTime          time.Duration

	TLS        bool
	TLSCert    string
	TLSKey     string
	RequireTLS bool

	HTTPAddr       string
	MetricsAddr    string
	IdleWarning    time.Duration
	BasePath       basePathFlag
	TrustedProxies proxiesFlag
	PublicURL      publicURLFlag
	FrameAncestors frameAncestorsFlag

	PanelLockAfter   int
	PanelIPLockAfter int
	PanelLockTime    time.Duration
	PanelFailDelay   time.Duration

	WebhookURL    string
	WebhookSecret string

	NATSURLs   natsURLsFlag
	Node       string // after check: the host's name when the node joins a fleet without --node
	NATSCreds  string
	NATSCA     string
	NATSListen string
	NATSToken  string

	passive  ftpd.PortRange         // PassivePorts, once checked
	hostname func() (string, error) // os.Hostname when nil; tests set it
}

// defineFlags registers every option of serve but --data on fs, bound to cfg's
// fields. Each option's default is here and nowhere else. A new option is a
// field above, one line below, a case in check if it can be wrong, and a line
// in ftpdConfig, panelConfig or fleetConfig.
func (cfg *serveConfig) defineFlags(fs *flag.FlagSet) {
	// The FTP server.
	fs.StringVar(&cfg.FTPAddr, "ftp-addr", ":2121", "FTP control `HOST:PORT`")
	fs.StringVar(&cfg.PassivePorts, "passive-ports", "50000-50100", "`LOW-HIGH` ports for passive data connections")
	fs.StringVar(&cfg.PublicHost, "public-host", "", "the IPv4 `ADDRESS` passive replies name, when clients reach the server through NAT")
	fs.DurationVar(&cfg.IdleTimeout, "idle-timeout", ftpd.DefaultIdleTimeout, "disconnect FTP sessions idle this `long` (at least 1s)")
	fs.DurationVar(&cfg.LoginTimeout, "login-timeout", time.Minute, "drop connections that have not logged in after this `long` (0: never)")
	fs.DurationVar(&cfg.ShutdownGrace, "shutdown-grace", 0, "on SIGTERM or SIGINT, close idle FTP sessions at once and give transfers up to this `long` to finish (0: end every session at once)")
	fs.DurationVar(&cfg.StallTimeout, "stall-timeout", ftpd.DefaultStallTimeout, "disconnect FTP sessions whose transfer moves no byte for this `long` (0: never)")
	fs.DurationVar(&cfg.NoTransferTimeout, "no-transfer-timeout", 0, "disconnect logged-in FTP sessions that start no transfer or listing for this `long`, even if they send NOOP (0: never)")
	fs.IntVar(&cfg.HistoryDays, "history-days", 30, "keep ended sessions this many `days` (0 keeps them forever)")
	fs.StringVar(&cfg.TransferLog, "transfer-log", "", "write a line per FTP transfer to this `FILE`, in xferlog format as vsftpd and ProFTPD write it (off when empty)")
	fs.IntVar(&cfg.MaxSessions, "max-sessions", 10000, "FTP connections the server takes at once (0: no limit)")
	fs.IntVar(&cfg.MaxSessionsPerIP, "max-sessions-per-ip", 100, "FTP connections from one address (0: no limit)")
	fs.IntVar(&cfg.MaxSessionsPerLogin, "max-sessions-per-login", 50, "sessions of one FTP account (0: no limit)")
	fs.Var(&cfg.MaxRate, "max-rate", "cap all FTP transfers together at this `RATE` in bytes per second (500K, 10M, 1G), shared among the transfers running: what one does not take goes to the others (off: no cap)")
	fs.IntVar(&cfg.MaxPassivePerIP, "max-passive-per-ip", 0, "passive ports one address holds at once (0: a quarter of --passive-ports)")
	fs.DurationVar(&cfg.FailedLoginDelay, "failed-login-delay", time.Second, "wait this `long` before answering a failed FTP login")
	fs.IntVar(&cfg.BanAfter, "ban-after", 10, "ban an address after this many failed FTP logins within --ban-window (0: never)")
	fs.DurationVar(&cfg.BanWindow, "ban-window", 15*time.Minute, "the `window` in which failed logins count toward a ban")
	fs.DurationVar(&cfg.BanTime, "ban-time", 15*time.Minute, "how `long` a first ban lasts; each repeat doubles it")
	fs.BoolVar(&cfg.TLS, "tls", false, "offer FTPS (AUTH TLS) with a self-signed certificate kept in DATA/tls")
	fs.StringVar(&cfg.TLSCert, "tls-cert", "", "offer FTPS with this certificate `FILE` (PEM; with --tls-key); SIGHUP or a change of either file reloads the pair")
	fs.StringVar(&cfg.TLSKey, "tls-key", "", "the private key `FILE` of --tls-cert (PEM)")
	fs.BoolVar(&cfg.RequireTLS, "require-tls", false, "refuse FTP logins that are not encrypted (implies --tls)")

	// The web panel and the metrics.
	fs.StringVar(&cfg.HTTPAddr, "http-addr", defaultHTTPAddr, "web panel `HOST:PORT`")
	fs.StringVar(&cfg.MetricsAddr, "metrics-addr", "", "serve Prometheus metrics at http://`HOST:PORT`/metrics (off when empty)")
	fs.DurationVar(&cfg.IdleWarning, "idle-warning", 5*time.Minute, "mark sessions idle this `long` in the panel (0: never)")
	fs.Var(&cfg.BasePath, "base-path", "serve the panel under this `/PATH` (as a reverse proxy forwards it), not at /")
	fs.Var(&cfg.TrustedProxies, "trusted-proxies", "believe X-Forwarded-For, X-Forwarded-Proto and X-Forwarded-Host only from these `ADDRESSES`: IPs and CIDR ranges, comma-separated")
	fs.Var(&cfg.PublicURL, "public-url", "the panel's `URL` as browsers reach it, with the base path (https://host.example.com/ftp-sessions); sign-in links are built from it, not from the request")
	fs.Var(&cfg.FrameAncestors, "frame-ancestors", "let these `SOURCES` show the panel in a frame: 'self' and origins such as https://panel.example.com, space-separated")

	// Event hooks for a host's tools.
	fs.StringVar(&cfg.WebhookURL, "webhook-url", "", "POST a signed JSON event to this `URL` (http:// or https://) when a session starts or ends, a panel user disconnects one, an address is banned or unbanned, or an FTP account changes (off when empty; see README, Hooks)")
	fs.StringVar(&cfg.WebhookSecret, "webhook-secret", "", "the `SECRET` that signs each --webhook-url event (HMAC-SHA256 in the X-Ftppanel-Signature header)")

	// The panel's sign-in throttle: its defaults are the panel's own.
	limits := panel.DefaultLoginLimits
	within := fmt.Sprintf("within %d minutes", int(limits.Window/time.Minute))
	fs.IntVar(&cfg.PanelLockAfter, "panel-lock-after", limits.AccountFailures, "lock a panel username after this many failed sign-ins "+within)
	fs.IntVar(&cfg.PanelIPLockAfter, "panel-ip-lock-after", limits.AddressFailures, "lock an address (IPv6: its /64) after this many failed panel sign-ins "+within)
	fs.DurationVar(&cfg.PanelLockTime, "panel-lock-time", limits.Lock, fmt.Sprintf("how `long` a first panel sign-in lock lasts; repeats within a day double it, up to %dh (or this, if longer)", int(limits.MaxLock/time.Hour)))
	fs.DurationVar(&cfg.PanelFailDelay, "panel-failed-login-delay", limits.FailureDelay, "wait this `long` before answering a failed panel sign-in (0: not at all)")

	// The fleet: nodes that share their sessions and bans over NATS.
	fs.Var(&cfg.NATSURLs, "nats-url", "join the fleet through the NATS servers at `URL[,URL...]` (nats://HOST:4222, tls://...; a user and password, or a token, may go before the host: nats://TOKEN@HOST:4222)")
	fs.StringVar(&cfg.Node, "node", "", "this node's `NAME`, unique in the fleet (default: the host name, lowercased)")
	fs.StringVar(&cfg.NATSCreds, "nats-creds", "", "sign in to NATS with this credentials `FILE` (with --nats-url)")
	fs.StringVar(&cfg.NATSCA, "nats-ca", "", "check the NATS servers' TLS certificates against this CA `FILE` (PEM; with --nats-url)")
	fs.StringVar(&cfg.NATSListen, "nats-listen", "", "run the fleet's NATS server inside this node at `HOST:PORT`, for the other nodes' --nats-url (one server: see README, Fleet)")
	fs.StringVar(&cfg.NATSToken, "nats-token", "", "the `TOKEN` every client of --nats-listen's server presents (default: one generated into DATA/nats-token), or that signs in to --nats-url servers whose URLs carry none")
}

// defaultServeConfig is serve's configuration when no option is given.
func defaultServeConfig() *serveConfig {
	cfg := &serveConfig{}
	cfg.defineFlags(flag.NewFlagSet("serve", flag.ContinueOnError))
	return cfg
}

// optionError is an option's value that parsed but cannot be used.
type optionError struct {
	name string // the option, without dashes
	err  error
}

func (e *optionError) Error() string { return fmt.Sprintf("--%s: %v", e.name, e.err) }

func (e *optionError) Unwrap() error { return e.err }

// check reports the first option whose value cannot be used, as an
// *optionError, and fills in what is derived from the options.
func (cfg *serveConfig) check() error {
	invalid := func(name string, format string, args ...any) error {
		return &optionError{name: name, err: fmt.Errorf(format, args...)}
	}
	passive, err := parsePortRange(cfg.PassivePorts)
	if err != nil {
		return &optionError{name: "passive-ports", err: err}
	}
	cfg.passive = passive
	if cfg.IdleTimeout < time.Second {
		return invalid("idle-timeout", "%s: must be at least 1s", cfg.IdleTimeout)
	}
	if cfg.HistoryDays < 0 {
		return invalid("history-days", "%d: must be 0 or more", cfg.HistoryDays)
	}
	if cfg.PublicHost != "" {
		if ip := net.ParseIP(cfg.PublicHost); ip == nil || ip.To4() == nil {
			return invalid("public-host", "%q: want an IPv4 address", cfg.PublicHost)
		}
	}
	for _, o := range []struct {
		name string
		n    int
	}{{"max-sessions", cfg.MaxSessions}, {"max-sessions-per-ip", cfg.MaxSessionsPerIP},
		{"max-sessions-per-login", cfg.MaxSessionsPerLogin}, {"max-passive-per-ip", cfg.MaxPassivePerIP},
		{"ban-after", cfg.BanAfter}} {
		if o.n < 0 {
			return invalid(o.name, "%d: must be 0 or more", o.n)
		}
	}
	for _, o := range []struct {
		name string
		n    int
	}{{"panel-lock-after", cfg.PanelLockAfter}, {"panel-ip-lock-after", cfg.PanelIPLockAfter}} {
		if o.n < 1 {
			return invalid(o.name, "%d: must be 1 or more", o.n)
		}
	}
	if cfg.BanAfter > 0 {
		for _, o := range []struct {
			name string
			d    time.Duration
		}{{"ban-time", cfg.BanTime}, {"ban-window", cfg.BanWindow}} {
			if o.d < time.Second {
				return invalid(o.name, "%s: must be at least 1s (--ban-after 0 turns bans off)", o.d)
			}
		}
		// Repeats double the first ban up to 64 times: keep the longest one countable.
		if cfg.BanTime > maxBanTime {
			return invalid("ban-time", "%s: must be at most %s", cfg.BanTime, maxBanTime)
		}
	}
	for _, o := range []struct {
		name string
		d    time.Duration
	}{{"login-timeout", cfg.LoginTimeout}, {"failed-login-delay", cfg.FailedLoginDelay},
		{"stall-timeout", cfg.StallTimeout}, {"no-transfer-timeout", cfg.NoTransferTimeout},
		{"shutdown-grace", cfg.ShutdownGrace}} {
		if o.d < 0 {
			return invalid(o.name, "%s: must be 0 or more", o.d)
		}
	}
	if cfg.PanelLockTime < time.Second {
		return invalid("panel-lock-time", "%s: must be at least 1s", cfg.PanelLockTime)
	}
	if cfg.PanelFailDelay < 0 {
		return invalid("panel-failed-login-delay", "%s: must be 0 or more", cfg.PanelFailDelay)
	}
	if err := cfg.checkWebhook(); err != nil {
		return err
	}
	return cfg.checkFleet()
}

// redactWebhookURL is --webhook-url fit to print: a receiver often takes its
// token in the query (?token=...) or as the URL's password, so the password
// and every query value are masked. A URL that does not parse is not shown.
func redactWebhookURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(a URL that does not parse)"
	}
	_, hasPassword := u.User.Password()
	if hasPassword {
		u.User = url.User(u.User.Username()) // the mask goes in below, unescaped
	}
	if u.RawQuery != "" {
		q := u.Query()
		keys := slices.Sorted(maps.Keys(q))
		parts := make([]string, 0, len(keys))
		for _, k := range keys {
			parts = append(parts, url.QueryEscape(k)+"=********")
		}
		u.RawQuery = strings.Join(parts, "&")
	}
	if hasPassword {
		user := u.User.String()
		u.User = nil
		return strings.Replace(u.String(), "//", "//"+user+":********@", 1)
	}
	return u.String()
}

// checkWebhook checks --webhook-url and --webhook-secret, which go together.
func (cfg *serveConfig) checkWebhook() error {
	if cfg.WebhookURL == "" {
		if cfg.WebhookSecret != "" {
			return &optionError{name: "webhook-secret", err: errors.New("only used with --webhook-url")}
		}
		return nil
	}
	u, err := url.Parse(cfg.WebhookURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return &optionError{name: "webhook-url", err: fmt.Errorf("%q: want an http:// or https:// URL", redactWebhookURL(cfg.WebhookURL))}
	}
	if cfg.WebhookSecret == "" {
		return &optionError{name: "webhook-url", err: errors.New("needs --webhook-secret, which signs the events")}
	}
	return nil
}

// serveFlagSet is serve's flag set, bound to a configuration, and its --data
// and --database.
func (c *cli) serveFlagSet() (*flag.FlagSet, *serveConfig, *storeFlags) {
	fs, loc := c.flags("serve", serveUsage)
	cfg := &serveConfig{}
	cfg.defineFlags(fs)
	return fs, cfg, loc
}

// parseServe parses serve's command line, environment and config file into a
// checked configuration. stop says to return err at once: after --help or
// --print-config, or on a bad option.
func (c *cli) parseServe(args []string) (cfg *serveConfig, stop bool, err error) {
	fs, cfg, loc := c.serveFlagSet()
	from, positional, stop, err := c.parseConfig(fs, args)
	if stop {
		return nil, true, err
	}
	if len(positional) > 0 {
		fs.Usage()
		return nil, true, errUsage
	}
	cfg.DataDir, cfg.Database = loc.data, loc.database
	if err := cfg.check(); err != nil {
		if o, ok := err.(*optionError); ok {
			err = from.invalid(o.name, o.err)
		}
		return nil, true, err
	}
	if from.print {
		return nil, true, from.write(c.stdout, "serve")
	}
	return cfg, false, nil
}

// ftpdConfig is the FTP server's part of the configuration.
func (cfg *serveConfig) ftpdConfig() ftpd.Config {
	return ftpd.Config{
		Addr:                cfg.FTPAddr,
		PassivePorts:        cfg.passive,
		MaxPassivePerIP:     cfg.MaxPassivePerIP,
		ConnectionTimeout:   ftpConnectionTimeout,
		PublicHost:          cfg.PublicHost,
		DataDir:             cfg.DataDir,
		IdleTimeout:         cfg.IdleTimeout,
		LoginTimeout:        cfg.LoginTimeout,
		ShutdownGrace:       cfg.ShutdownGrace,
		StallTimeout:        cfg.StallTimeout,
		NoTransferTimeout:   cfg.NoTransferTimeout,
		HistoryRetention:    time.Duration(cfg.HistoryDays) * 24 * time.Hour,
		TransferLog:         cfg.TransferLog,
		MaxSessions:         cfg.MaxSessions,
		MaxSessionsPerIP:    cfg.MaxSessionsPerIP,
		MaxSessionsPerLogin: cfg.MaxSessionsPerLogin,
		MaxRate:             int64(cfg.MaxRate),
		FailedLoginDelay:    cfg.FailedLoginDelay,
		BanAfter:            cfg.BanAfter,
		BanWindow:           cfg.BanWindow,
		BanTime:             cfg.BanTime,
		RequireTLS:          cfg.RequireTLS,
	}
}

// wantTLS reports whether the FTP server offers FTPS.
func (cfg *serveConfig) wantTLS() bool { return cfg.TLS || cfg.RequireTLS }

// panelConfig is the web panel's part of the configuration.
func (cfg *serveConfig) panelConfig(db *store.DB, registry *session.Registry, log *slog.Logger) panel.Config {
	return panel.Config{
		Store:          db,
		Registry:       registry,
		Logger:         log,
		IdleTimeout:    cfg.IdleTimeout,
		IdleWarning:    cfg.IdleWarning,
		BasePath:       cfg.BasePath.path,
		TrustedProxies: cfg.TrustedProxies.prefixes,
		PublicURL:      cfg.PublicURL.url,
		FrameAncestors: cfg.FrameAncestors.sources,
		LoginLimits: panel.LoginLimits{
			AccountFailures: cfg.PanelLockAfter,
			AddressFailures: cfg.PanelIPLockAfter,
			Lock:            cfg.PanelLockTime,
			FailureDelay:    cmp.Or(cfg.PanelFailDelay, -1), // 0 is none, not the default
		},
	}
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

// rateFlag is a rate in bytes per second, given as format.ParseLimit reads it
// ("10M", "500K", "off").
type rateFlag int64

func (f *rateFlag) String() string {
	if *f <= 0 {
		return "off"
	}
	return strconv.FormatInt(int64(*f), 10)
}

func (f *rateFlag) Set(s string) error {
	bps, err := format.ParseLimit(s)
	if err != nil {
		return err
	}
	*f = rateFlag(bps)
	return nil
}
