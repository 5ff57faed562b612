package panel

import (
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/ftppanel/ftppanel/internal/session"
	"github.com/ftppanel/ftppanel/internal/store"
)

// Config is what the panel needs.
type Config struct {
	Store    *store.DB
	Registry *session.Registry
	// Sessions, when set, is where the panel finds sessions instead of Registry:
	// the fleet's view of every node.
	Sessions Sessions
	// Fleet, when set, tells the panel about the fleet's nodes.
	Fleet Fleet
	// Node is this node's name, Version the program's version and Started
	// when it started (when New was called, if zero): what /nodes shows of a
	// single node, and how audit rows tell this node's sessions from others'.
	Node    string
	Version string
	Started time.Time
	Logger  *slog.Logger
	Now     func() time.Time
	// BasePath is the path prefix the panel is served under ("/ftp-sessions",
	// checked by CleanBasePath), "" for none.
	BasePath string
	// TrustedProxies are the reverse proxies whose X-Forwarded-For,
	// X-Forwarded-Proto and X-Forwarded-Host are believed.
	TrustedProxies []netip.Prefix
	// PublicURL is the panel's address as browsers reach it, base path included
	// (checked by ParsePublicURL); sign-in links are built from it when set.
	PublicURL string
	// FrameAncestors may show the panel in a frame (checked by
	// ParseFrameAncestors); none may when empty.
	FrameAncestors []string
	// IdleTimeout is when the FTP server drops an idle session; the list says
	// when that will happen. IdleWarning marks sessions idle this long.
	IdleTimeout time.Duration
	IdleWarning time.Duration
	// LoginLimits slow and stop password guessing; zero fields take the defaults.
	LoginLimits LoginLimits
	// Certificate, when set, tells this node's FTPS certificate: GET /api/v1/tls
	// shows it, and admins are warned on every page when it is about to expire.
	Certificate CertificateSource
}

// Panel serves the web panel.
type Panel struct {
	store    *store.DB
	registry *session.Registry // this node's sessions: its maintenance state
	sessions Sessions
	fleet    Fleet
	node     string
	version  string
	started  time.Time
	log      *slog.Logger
	now      func() time.Time

	basePath       string
	trustedProxies []netip.Prefix
	publicURL      string
	frameAncestors string // the Content-Security-Policy source list

	idleTimeout time.Duration
	idleWarning time.Duration
	logins      *loginThrottle
	certificate CertificateSource
}

// New returns the panel's HTTP handler.
func New(cfg Config) http.Handler {
	p := &Panel{store: cfg.Store, registry: cfg.Registry, sessions: cfg.Sessions, fleet: cfg.Fleet, log: cfg.Logger, now: cfg.Now,
		node: cfg.Node, version: cfg.Version, started: cfg.Started,
		idleTimeout: cfg.IdleTimeout, idleWarning: cfg.IdleWarning, certificate: cfg.Certificate,
		basePath: cfg.BasePath, trustedProxies: cfg.TrustedProxies, publicURL: strings.TrimRight(cfg.PublicURL, "/"),
		frameAncestors: "'none'"}
	if p.sessions == nil {
		p.sessions = Local{cfg.Registry}
	}
	if p.log == nil {
		p.log = slog.Default()
	}
	if p.now == nil {
		p.now = time.Now
	}
	if p.node == "" && cfg.Registry != nil {
		p.node = cfg.Registry.Node
	}
	if p.started.IsZero() {
		p.started = p.now()
	}
	if len(cfg.FrameAncestors) > 0 {
		p.frameAncestors = strings.Join(cfg.FrameAncestors, " ")
	}
	p.logins = newLoginThrottle(cfg.LoginLimits, p.now)
	return p.routes()
}
