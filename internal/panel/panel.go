// Package panel is the web panel: hosting customers see their FTP sessions and
// admins see and disconnect any of them.
package panel

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/ftppanel/ftppanel/internal/session"
	"github.com/ftppanel/ftppanel/internal/store"
)

// Config is what the panel needs.
type Config struct {
	Store    *store.DB
	Registry *session.Registry
	Logger   *slog.Logger
	Now      func() time.Time
	// IdleTimeout is when the FTP server drops an idle session; the list says
	// when that will happen. IdleWarning marks sessions idle this long.
	IdleTimeout time.Duration
	IdleWarning time.Duration
	// LoginLimits slow and stop password guessing; zero fields take the defaults.
	LoginLimits LoginLimits
}

// Panel serves the web panel.
type Panel struct {
	store    *store.DB
	registry *session.Registry
	log      *slog.Logger
	now      func() time.Time

	idleTimeout time.Duration
	idleWarning time.Duration
	logins      *loginThrottle
}

// New returns the panel's HTTP handler.
func New(cfg Config) http.Handler {
	p := &Panel{store: cfg.Store, registry: cfg.Registry, log: cfg.Logger, now: cfg.Now,
		idleTimeout: cfg.IdleTimeout, idleWarning: cfg.IdleWarning}
	if p.log == nil {
		p.log = slog.Default()
	}
	if p.now == nil {
		p.now = time.Now
	}
	p.logins = newLoginThrottle(cfg.LoginLimits, p.now)
	return p.routes()
}
