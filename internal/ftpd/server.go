// Package ftpd runs the FTP server: it authenticates against the store, confines
// each account to its home directory, and reports every connection to the session
// registry, handing it a way to close the connection at once.
package ftpd

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	ftpserver "github.com/fclairamb/ftpserverlib"

	"github.com/ftppanel/ftppanel/internal/session"
	"github.com/ftppanel/ftppanel/internal/store"
)

// defaultConnectionTimeout bounds how long a passive listener waits for its data
// connection.
const defaultConnectionTimeout = 30 * time.Second

// DefaultIdleTimeout is how long a session may idle when Config leaves it out,
// and serve's --idle-timeout default.
const DefaultIdleTimeout = 15 * time.Minute

// DefaultStallTimeout is serve's --stall-timeout default: a transfer that moves
// no byte for this long is ended.
const DefaultStallTimeout = 5 * time.Minute

// libraryIdleBackstop is the FTP library's own idle timeout, far past ours.
const libraryIdleBackstop = 24 * time.Hour

// PortRange is an inclusive range of TCP ports; the zero value lets the system pick.
type PortRange struct{ Low, High int }

// Config is what the FTP server needs.
type Config struct {
	// ShutdownGrace, when not 0, lets transfers under way at Shutdown run up to
	// this long to finish, while idle sessions end at once.
	ShutdownGrace time.Duration
	Addr          string    // control address, HOST:PORT
	PassivePorts  PortRange // ports for passive data connections
	// MaxPassivePerIP is the most passive listeners one address holds at once;
	// 0 is a quarter of PassivePorts (at least one), or no limit without a range.
	MaxPassivePerIP int
	// ConnectionTimeout closes a passive listener that gets no data connection
	// within it; whole seconds, 30 when zero.
	ConnectionTimeout time.Duration
	// PublicHost is the IPv4 address passive replies name, for clients that reach
	// the server through NAT (a container, a load balancer); empty names the
	// address the client connected to.
	PublicHost  string
	DataDir     string        // home directories live under DataDir/home
	IdleTimeout time.Duration // DefaultIdleTimeout when zero
	// LoginTimeout drops connections that have not logged in after this long.
	LoginTimeout time.Duration
	// StallTimeout ends sessions whose transfer or listing moves no byte for this
	// long, so a client that stops reading cannot hold a slot; 0 never does.
	StallTimeout time.Duration
	// NoTransferTimeout ends logged-in sessions that begin no transfer or listing
	// for this long, however often they send NOOP; 0 never does.
	NoTransferTimeout time.Duration
	// Limits on connections: overall, from one address, and sessions of one
	// account; zero is no limit.
	MaxSessions, MaxSessionsPerIP, MaxSessionsPerLogin int
	// MaxRate caps all transfers together at this many bytes per second,
	// shared among those running, what one does not take going to the
	// others (see session.Registry.SetMaxRate); 0 is no cap, and unlimited
	// transfers keep sendfile.
	MaxRate int64
	// FailedLoginDelay is how long each failed login waits before its answer.
	FailedLoginDelay time.Duration
	// BanAfter failed logins (a connection dropped without a login counts half) within
	// BanWindow ban the address for BanTime, doubling for each repeat; 0 never bans.
	BanAfter  int
	BanWindow time.Duration
	BanTime   time.Duration
	// TLS enables explicit FTPS (AUTH TLS); RequireTLS refuses plain logins.
	TLS        *tls.Config
	RequireTLS bool
	// TransferLog is a file that gets a line per transfer in xferlog's format
	// (vsftpd's and ProFTPD's); empty writes none.
	TransferLog string
	// HistoryRetention is how long ended sessions are kept; 0 keeps them forever.
	HistoryRetention time.Duration
	Store            *store.DB
	Registry         *session.Registry
	Logger           *slog.Logger
	Now              func() time.Time
}

// Server is a running FTP server.
type Server struct {
	cfg      Config
	store    *store.DB
	registry *session.Registry
	log      *slog.Logger
	now      func() time.Time

	settings  *ftpserver.Settings
	lib       *ftpserver.FtpServer
	control   *controlListener
	passive   *passiveListeners
	history   *historyWriter
	progress  *progressTicker
	xferlog   *transferLog // nil without Config.TransferLog
	limits    *limits
	defender  *defender
	bans      banStore // the store, as the defender uses it
	conns     sync.Map // session ID → *conn
	served    sync.WaitGroup
	stopWatch context.CancelFunc
	// changesRead is what the watcher has read of the account changes, for
	// loggedIn to look at without asking the database again.
	changesRead accountChanges
}

// Start listens on cfg.Addr and serves in the background; a bad address fails here.
func Start(cfg Config) (*Server, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.IdleTimeout == 0 {
		cfg.IdleTimeout = DefaultIdleTimeout
	}
	if cfg.ConnectionTimeout < time.Second {
		cfg.ConnectionTimeout = defaultConnectionTimeout
	}
	var xferlog *transferLog
	if cfg.TransferLog != "" {
		var err error
		if xferlog, err = openTransferLog(cfg.TransferLog, cfg.Logger); err != nil {
			return nil, err
		}
	}
	// A plain TCP listener, like the passive ones: since Go 1.24 net.Listen makes a
	// Multipath TCP one where the kernel has MPTCP, and every reply and command of a
	// session then goes through MPTCP's layer in the kernel, for nothing on one path.
	var lc net.ListenConfig
	lc.SetMultipathTCP(false)
	ln, err := lc.Listen(context.Background(), "tcp", cfg.Addr)
	if err != nil {
		if xferlog != nil {
			xferlog.close()
		}
		return nil, fmt.Errorf("FTP server: %w", err)
	}
	s := &Server{
		cfg:      cfg,
		store:    cfg.Store,
		bans:     cfg.Store,
		registry: cfg.Registry,
		log:      cfg.Logger,
		now:      cfg.Now,
		passive:  newPassiveListeners(cfg.PassivePorts, cfg.MaxPassivePerIP, cfg.ConnectionTimeout),
		progress: newProgressTicker(),
		xferlog:  xferlog,
	}
	s.passive.keepAlive = cfg.StallTimeout == 0
	s.limits = newLimits(cfg.MaxSessions, cfg.MaxSessionsPerIP, cfg.MaxSessionsPerLogin)
	if cfg.MaxRate > 0 {
		cfg.Registry.SetMaxRate(cfg.MaxRate)
	}
	s.defender = newDefender(cfg.BanAfter, cfg.BanWindow, cfg.BanTime, cfg.Now)
	s.control = &controlListener{Listener: ln, now: cfg.Now, admit: s.admit, release: s.release,
		unclaimed: make(map[string]*controlConn)}
	s.settings = &ftpserver.Settings{
		Listener:   s.control,
		ListenAddr: ln.Addr().String(),
		Banner:     "ftppanel",
		// The server drops idle sessions itself (watch.go), also by account; the
		// library's own timeout is only a backstop.
		IdleTimeout:       int(libraryIdleBackstop / time.Second),
		ConnectionTimeout: int(cfg.ConnectionTimeout / time.Second),
		DisableActiveMode: true,
		DisableSite:       true,
	}
	if cfg.RequireTLS {
		s.settings.TLSRequired = ftpserver.MandatoryEncryption
	}
	s.settings.PublicHost = cfg.PublicHost
	if s.passive.ports != nil {
		s.settings.PassiveTransferPortRange = s.passive.ports
	}
	s.history = newHistoryWriter(cfg.Store, cfg.Logger, cfg.Now, cfg.HistoryRetention)
	// An OnEnd set before Start (the event hooks) is told after the history.
	if then := cfg.Registry.OnEnd; then != nil {
		cfg.Registry.OnEnd = func(snap session.Snapshot) {
			s.history.record(snap)
			then(snap)
		}
	} else {
		cfg.Registry.OnEnd = s.history.record
	}
	s.lib = ftpserver.NewFtpServer(&driver{srv: s})
	s.lib.Logger = cfg.Logger.With(slog.String("component", "ftplib"))
	if err := s.lib.Listen(); err != nil {
		ln.Close()
		s.history.close()
		if xferlog != nil {
			xferlog.close()
		}
		return nil, err
	}
	// Read before the first login: a change after this, the watcher reads.
	lastChange, err := s.store.LastAccountChange(context.Background())
	if err != nil {
		s.log.Error("read account changes", slog.Any("error", err))
	}
	s.served.Add(2)
	go func() {
		defer s.served.Done()
		if err := s.lib.Serve(); err != nil {
			s.log.Error("FTP server stopped", slog.Any("error", err))
		}
	}()
	watching, stopWatch := context.WithCancel(context.Background())
	s.stopWatch = stopWatch
	go func() {
		defer s.served.Done()
		s.watch(watching, lastChange)
	}()
	return s, nil
}

// Addr is the address the control connection listens on.
func (s *Server) Addr() net.Addr { return s.control.Addr() }

// Shutdown stops accepting connections, closes every session and waits for them
// to end, or for ctx to expire.
func (s *Server) Shutdown(ctx context.Context) error {
	err := s.lib.Stop()
	if errors.Is(err, ftpserver.ErrNotListening) {
		err = nil
	}
	// With a shutdown grace, idle sessions end at once and transfers get up to
	// the grace to finish; then (or at once without one) every session ends.
	s.registry.Drain(ctx, s.cfg.ShutdownGrace)
	s.stopWatch()
	s.served.Wait()
	err = errors.Join(err, s.registry.Shutdown(ctx))
	s.progress.close()
	if s.xferlog != nil {
		err = errors.Join(err, s.xferlog.close())
	}
	s.history.close()
	return err
}
