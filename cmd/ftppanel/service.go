package main

import (
	"context"
	"crypto/rand"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/ftppanel/ftppanel/internal/fleet"
	"github.com/ftppanel/ftppanel/internal/ftpd"
	"github.com/ftppanel/ftppanel/internal/ftpmetrics"
	"github.com/ftppanel/ftppanel/internal/hooks"
	"github.com/ftppanel/ftppanel/internal/panel"
	"github.com/ftppanel/ftppanel/internal/session"
	"github.com/ftppanel/ftppanel/internal/store"
)

// shutdownGrace bounds how long a stop waits for requests and sessions to end.
const shutdownGrace = 10 * time.Second

// service is what "serve" runs: the FTP server, the web panel and the metrics,
// over one store and one session registry. Run starts it, Close stops it.
type service struct {
	cfg *serveConfig
	cli *cli // opens the store and prints to the operator as every command does
	log *slog.Logger

	db       *store.DB
	registry *session.Registry
	nats     *fleet.Server // the fleet's NATS server, run here with --nats-listen
	node     *fleet.Node   // this node's membership of a fleet; nil for a node alone
	started  time.Time
	ftp      *ftpd.Server
	certs    *ftpd.Certificates // the FTPS pair; nil without FTPS
	hooks    *hooks.Hooks       // --webhook-url's sender; nil without
	web      *http.Server
	metrics  *http.Server

	// requests is every panel request's context: Close cancels it, so that
	// live streams do not hold up the shutdown.
	requests    context.Context
	endRequests context.CancelFunc
	// stopSampling ends the registry's sampling and the memory release;
	// sampled and released close when each has returned.
	stopSampling context.CancelFunc
	sampled      chan struct{}
	released     chan struct{}
	// stopWatching ends the watch on the certificate files; watched closes
	// when it has returned.
	stopWatching context.CancelFunc
	watched      chan struct{}
	failed       chan error // a server that stopped by itself
}

func newService(cfg *serveConfig, c *cli) *service {
	return &service{cfg: cfg, cli: c, failed: make(chan error, 2),
		log: slog.New(slog.NewTextHandler(c.stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))}
}

// Run opens the store and listens on every address before serving, so that a
// bad address fails here, then serves in the background and returns. After an
// error, Close releases what Run opened.
func (s *service) Run(ctx context.Context) error {
	db, err := s.cli.openStore(ctx, storeFlags{data: s.cfg.DataDir, database: s.cfg.Database})
	if err != nil {
		return err
	}
	s.db = db
	// History and audit rows name the node that writes them, in a fleet.
	db.Node = s.cfg.Node
	if s.cfg.inFleet() {
		db.Node = s.cfg.nodeName()
	}
	db.Log = s.log.With(slog.String("component", "store"))
	if db.Shared() {
		s.log.Info("the store is PostgreSQL, shared with the nodes that name it", "database", store.RedactURL(s.cfg.Database))
	}
	if err := s.cli.ensureAdmin(ctx, db); err != nil {
		return err
	}
	db.WarmUp(ctx)
	s.certs, err = ftpd.OpenCertificates(s.cfg.DataDir, s.cfg.TLSCert, s.cfg.TLSKey, s.cfg.wantTLS(),
		s.log.With(slog.String("component", "tls")))
	if err != nil {
		return err
	}

	s.started = time.Now()
	s.registry = session.NewRegistry()
	s.registry.Node = s.cfg.nodeName()
	s.startHooks()
	ftpCfg := s.cfg.ftpdConfig()
	if s.certs != nil {
		ftpCfg.TLS = s.certs.TLSConfig()
	}
	ftpCfg.Store = db
	ftpCfg.Registry = s.registry
	ftpCfg.Logger = s.log.With(slog.String("component", "ftp"))
	if s.ftp, err = ftpd.Start(ftpCfg); err != nil {
		return err
	}
	if err := s.joinFleet(); err != nil {
		return err
	}
	s.startSampling()
	s.watchCertificates()

	// The panel's and the metrics' addresses are taken before either serves.
	httpLn, err := net.Listen("tcp", s.cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("web panel: %w", err)
	}
	var metricsLn net.Listener
	if s.cfg.MetricsAddr != "" {
		if metricsLn, err = net.Listen("tcp", s.cfg.MetricsAddr); err != nil {
			httpLn.Close()
			return fmt.Errorf("metrics: %w", err)
		}
	}
	s.requests, s.endRequests = context.WithCancel(context.Background())
	s.web = &http.Server{
		Handler:           panel.New(s.panelConfig()),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return s.requests },
	}
	go func() { s.failed <- s.web.Serve(httpLn) }()
	if metricsLn != nil {
		mux := http.NewServeMux()
		extra := []prometheus.Collector{ftpmetrics.CertificateExpiry(s.certificateExpiry)}
		if s.hooks != nil {
			extra = append(extra, s.hooks.Collector())
		}
		mux.Handle("GET /metrics", ftpmetrics.Handler(s.registry, func() (int64, int64) {
			return s.ftp.LostHistory(), s.db.LostAudit()
		}, extra...))
		s.metrics = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
		go func() { s.failed <- s.metrics.Serve(metricsLn) }()
		fmt.Fprintf(s.cli.stdout, "Metrics at http://%s/metrics\n", metricsLn.Addr())
	}

	security := "plain FTP"
	switch {
	case s.cfg.RequireTLS:
		security = "FTPS required"
	case s.certs != nil:
		security = "FTPS offered"
	}
	fmt.Fprintf(s.cli.stdout, "FTP server listening on %s (passive ports %s, %s)\n", s.ftp.Addr(), s.cfg.PassivePorts, security)
	fmt.Fprintf(s.cli.stdout, "Web panel listening on http://%s%s\n", httpLn.Addr(), s.cfg.BasePath.path)
	return nil
}

// webhookBackoff is the wait before each retry of an event; nil is the
// hooks package's own (1s doubling up to 5m). Tests shorten it.
var webhookBackoff func(attempt int) time.Duration

// hooksFlush bounds the last try, at a stop, to send the events still queued.
const hooksFlush = 5 * time.Second

// startHooks starts sending events to --webhook-url, when given: sessions
// that log in and end on this node, and what the panel and the FTP server's
// defender do here, as the audit log and the bans hear of it. A change the
// fleet brings from another node is sent by that node.
func (s *service) startHooks() {
	if s.cfg.WebhookURL == "" {
		return
	}
	h := hooks.Start(hooks.Config{URL: s.cfg.WebhookURL, Secret: s.cfg.WebhookSecret, Node: s.registry.Node,
		Logger: s.log.With(slog.String("component", "webhook")), Backoff: webhookBackoff})
	s.hooks = h
	s.registry.OnLogin = h.SessionStarted
	s.registry.OnEnd = h.SessionEnded // the FTP server adds its history before it
	s.db.OnAudit = h.Audited
	s.db.OnBan = func(c store.BanChange) { h.Ban(c, s.db.Now()) }
	if u, err := url.Parse(s.cfg.WebhookURL); err == nil { // checked; the host alone, as the path or query may hold a token
		s.log.Info("sending events to the web hook", slog.String("host", u.Host))
	}
}

// joinFleet starts the fleet's NATS server when this node runs it, and joins
// the fleet when the options say so.
func (s *service) joinFleet() error {
	fc, serverCfg, ok, err := s.cfg.fleetConfig(s.cli.stdout)
	if err != nil || !ok {
		return err
	}
	if serverCfg != nil {
		if s.nats, err = fleet.StartServer(*serverCfg); err != nil {
			return err
		}
		fc.Server = s.nats
		fmt.Fprintf(s.cli.stdout, "NATS server for the fleet listening on %s\n", s.nats.Addr())
	}
	fc.Version, fc.Registry, fc.Store, fc.EndBanned = currentVersion(), s.registry, s.db, s.ftp.EndBanned
	fc.Logger = s.log.With(slog.String("component", "fleet"))
	if s.node, err = fleet.Join(fc); err != nil {
		return err
	}
	fmt.Fprintf(s.cli.stdout, "Node %s joined the fleet\n", fc.Node)
	return nil
}

// panelConfig is the panel's configuration: with a fleet, the panel shows and
// controls every node's sessions.
func (s *service) panelConfig() panel.Config {
	pc := s.cfg.panelConfig(s.db, s.registry, s.log.With(slog.String("component", "panel")))
	pc.Node, pc.Version, pc.Started = s.registry.Node, currentVersion(), s.started
	pc.Certificate = s.certificate
	if s.node != nil {
		v := s.node.View()
		v.SharedAccounts = s.cli.storeShared(s.db)
		pc.Sessions, pc.Fleet = v, v
	}
	return pc
}

// sharedSQLiteEnv names the variable that says the nodes of a fleet share one
// SQLite file: nodes on one machine over one --data, as the tests run them.
const sharedSQLiteEnv = "FTPPANEL_SHARED_SQLITE"

// storeShared reports whether the fleet's nodes share this store, and so one set
// of accounts: a customer then sees its FTP accounts' sessions on every node.
// PostgreSQL is; a SQLite file is one machine's, and counts as shared only when
// FTPPANEL_SHARED_SQLITE=1 says so.
func (c *cli) storeShared(db *store.DB) bool {
	return db.Shared() || c.getenv(sharedSQLiteEnv) == "1"
}

// startSampling starts the registry's rate sampling and the memory release.
func (s *service) startSampling() {
	sampling, stop := context.WithCancel(context.Background())
	s.stopSampling = stop
	s.sampled, s.released = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(s.sampled)
		s.registry.Run(sampling)
	}()
	go func() {
		defer close(s.released)
		releaseMemory(sampling, releaseMemoryEvery)
	}()
}

// watchCertificates reloads the FTPS pair when its files change.
func (s *service) watchCertificates() {
	if s.certs == nil {
		return
	}
	watching, stop := context.WithCancel(context.Background())
	s.stopWatching, s.watched = stop, make(chan struct{})
	go func() {
		defer close(s.watched)
		s.certs.Watch(watching, ftpd.CertificatePollInterval)
	}()
}

// ReloadCertificate loads the FTPS pair again, as SIGHUP asks. A pair that does
// not load keeps the one in use; the log says why.
func (s *service) ReloadCertificate() {
	if s.certs == nil {
		s.log.Info("SIGHUP: FTPS is off, there is no certificate to reload")
		return
	}
	s.certs.Reload("SIGHUP")
}

// certificate is the FTPS certificate in use, for the panel and the metrics.
func (s *service) certificate() (*x509.Certificate, time.Time) {
	if s.certs == nil {
		return nil, time.Time{}
	}
	c := s.certs.Current()
	return c.Leaf, c.LoadedAt
}

// certificateExpiry is when the FTPS certificate in use expires; false without FTPS.
func (s *service) certificateExpiry() (time.Time, bool) {
	leaf, _ := s.certificate()
	if leaf == nil {
		return time.Time{}, false
	}
	return leaf.NotAfter, true
}

// Failed delivers the error of a server that stopped serving by itself.
func (s *service) Failed() <-chan error { return s.failed }

// Close stops in order: the panel stops taking requests, the FTP server stops
// accepting and ends every session and writes their history, then the metrics
// and the sampling stop and the store closes. It waits at most shutdownGrace
// (plus --shutdown-grace, the time transfers get to finish) for requests and
// sessions to end.
func (s *service) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace+s.cfg.ShutdownGrace)
	defer cancel()
	var errs []error
	if s.web != nil {
		s.endRequests()
		errs = append(errs, s.web.Shutdown(ctx))
	}
	if s.node != nil {
		s.node.Close() // the others hear at once that this node is leaving
	}
	if s.ftp != nil {
		errs = append(errs, s.ftp.Shutdown(ctx))
	}
	if s.nats != nil {
		s.nats.Close()
	}
	if s.metrics != nil {
		s.metrics.Close()
	}
	if s.stopWatching != nil {
		s.stopWatching()
		<-s.watched
	}
	if s.hooks != nil { // after the FTP server, whose sessions' ends are the last events
		flush, done := context.WithTimeout(context.Background(), hooksFlush)
		s.hooks.Close(flush)
		done()
	}
	if s.stopSampling != nil {
		s.stopSampling()
		<-s.sampled
		<-s.released
	}
	if s.db != nil {
		if err := s.db.Close(); err != nil {
			s.log.Error("close the store", slog.Any("error", err))
		}
	}
	return errors.Join(errs...)
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
