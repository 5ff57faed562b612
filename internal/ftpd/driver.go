package ftpd

import (
	"context"
	"crypto/tls"
	"errors"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"time"

	ftpserver "github.com/fclairamb/ftpserverlib"

	"github.com/ftppanel/ftppanel/internal/session"
	"github.com/ftppanel/ftppanel/internal/store"
)

// driver connects the FTP library to the registry and the store.
type driver struct {
	srv *Server
}

var (
	_ ftpserver.MainDriver                                 = (*driver)(nil)
	_ ftpserver.MainDriverExtensionPassiveWrapperForClient = (*driver)(nil)
	_ ftpserver.MainDriverExtensionPostAuthMessage         = (*driver)(nil)
)

// conn is what the driver keeps on each library client context.
type conn struct {
	cc      ftpserver.ClientContext
	session *session.Session
	control *controlConn
	ip      string
	home    *os.Root // set at login
	login   string   // set at login, counted by the per-login limit
	// seenChange is the newest change to the account the login saw (read by
	// the watcher): later changes end the session, earlier ones do not.
	seenChange atomic.Int64
}

var (
	errLoginIncorrect = errors.New("login incorrect")
	errNoTLS          = errors.New("TLS is not configured on this server")
	errNoSession      = errors.New("Passive mode is not available.")
)

func (d *driver) GetSettings() (*ftpserver.Settings, error) { return d.srv.settings, nil }

func (d *driver) GetTLSConfig() (*tls.Config, error) {
	if d.srv.cfg.TLS == nil {
		return nil, errNoTLS
	}
	return d.srv.cfg.TLS, nil
}

func (d *driver) ClientConnected(cc ftpserver.ClientContext) (string, error) {
	// The address is read once, here: AUTH TLS later swaps the connection under it.
	remote := cc.RemoteAddr().String()
	control := d.srv.control.claim(remote)
	if control == nil {
		return "Service not available", errors.New("unknown control connection")
	}
	host, portText, _ := net.SplitHostPort(remote)
	port, _ := strconv.Atoi(portText)
	s := session.New(host, port, d.srv.now(), control.kill)
	control.session.Store(s)
	c := &conn{cc: cc, session: s, control: control, ip: host}
	cc.SetExtra(c)
	d.srv.conns.Store(s.ID(), c)
	d.srv.registry.Add(s)
	d.srv.log.Debug("ftp connection", slog.String("session", s.ID()), slog.String("remote", remote))
	return "ftppanel FTP server ready", nil
}

func (d *driver) ClientDisconnected(cc ftpserver.ClientContext) {
	c, ok := cc.Extra().(*conn)
	if !ok {
		return
	}
	// The library ends a session when its control connection does, but lets a
	// download that is under way run on, out of the list and out of reach of a
	// disconnect, and then ends it cleanly. After QUIT the library has waited
	// for the transfer, so this is for clients that dropped the connection.
	if c.control != nil {
		c.control.dropData()
	}
	if c.home != nil {
		c.home.Close() // files still open through it stay usable until closed
	}
	if c.login != "" {
		d.srv.limits.logout(c.login)
	}
	d.srv.conns.Delete(c.session.ID())
	d.srv.registry.Remove(c.session)
	// A connection that never logged in counts against its address, a little:
	// scanners and guessers leave many. One that said QUIT does not: monitoring
	// checks (check_ftp and the like) connect, read the greeting and quit.
	if snap := c.session.Snapshot(d.srv.now()); !snap.LoggedIn() &&
		(snap.EndReason.Kind == session.EndClientDropped || snap.EndReason.Kind == session.EndLoginTimeout) {
		d.srv.strike(c.ip, noLoginScore, "connections without a login")
	}
}

// loginStoreTimeout bounds how long a login waits for the store (beyond
// SQLite's own 10 s wait for a locked file): a store that does not answer gets
// the client a 421, not a hang.
const loginStoreTimeout = 15 * time.Second

func (d *driver) AuthUser(cc ftpserver.ClientContext, user, pass string) (ftpserver.ClientDriver, error) {
	c, ok := cc.Extra().(*conn)
	if !ok || c.home != nil {
		// A second login on a live session would move it to another account.
		return nil, errLoginIncorrect
	}
	if m := d.srv.registry.Maintenance(); m.On {
		// As ftpshut: no new logins, told why (the library sends the 421, so it
		// reaches FTPS clients too, and hangs up); the defender counts nothing.
		c.session.EndedBy(session.EndMaintenance)
		return nil, maintenanceError{maintenanceReply(m.Message)}
	}
	ctx, cancel := context.WithTimeout(context.Background(), loginStoreTimeout)
	account, err := d.srv.store.AuthenticateFTP(ctx, user, pass)
	cancel()
	if err != nil && !errors.Is(err, store.ErrBadCredentials) {
		// The store did not answer: the password may be right. The client is told
		// to try again later (421), and the defender counts nothing.
		d.srv.log.Error("ftp login: the store is unavailable", slog.String("login", user), slog.Any("error", err))
		c.session.EndedBy(session.EndStoreUnavailable)
		return nil, ftpserver.ErrServiceUnavailable
	}
	if err != nil {
		c.session.EndedBy(session.EndLoginFailed) // the library hangs up after a failed login
		d.srv.strike(c.ip, failedLoginScore, "failed logins")
		// Guessing stays slow: each wrong password costs the guesser this long.
		time.Sleep(d.srv.cfg.FailedLoginDelay)
		return nil, errLoginIncorrect
	}
	if refusal := d.srv.limits.login(account.Login); refusal != "" {
		c.session.EndedBy(session.EndTooMany)
		c.control.say(refusal)
		c.control.kill()
		return nil, errLoginIncorrect
	}
	c.login = account.Login
	home, err := d.srv.openHome(account)
	if err != nil {
		d.srv.log.Error("open home directory", slog.String("login", user), slog.Any("error", err))
		return nil, errLoginIncorrect
	}
	c.home = home
	if !d.srv.loggedIn(c, account, cc.GetClientVersion(), cc.HasTLSForControl()) {
		return nil, errLoginIncorrect
	}
	return &homeFS{root: home, session: c.session, now: d.srv.now, log: d.srv.log, progress: d.srv.progress,
		xferlog: d.srv.xferlog, cc: cc, login: account.Login, ip: c.ip}, nil
}

// loggedIn shows the login on c's session, unless a change to the account (a
// new password, disabled, deleted) was written while the login was checked: the
// server's watcher may have read that change while the session showed no login
// yet, and so would never end it. Then it ends the session for that change and
// reports false. Whatever the watcher reads after this either lists the session
// or was seen here.
func (s *Server) loggedIn(c *conn, a store.FTPAccount, client string, tls bool) bool {
	c.seenChange.Store(a.SeenChange) // before the session shows the login to the watcher
	c.session.SetIdleTimeout(a.IdleTimeout)
	c.session.SetAccountLimits(a.DownloadLimit, a.UploadLimit)
	c.session.LoggedIn(a.Login, a.Customer, client, tls, s.now())
	if s.changesRead.limitsSince(a.Login, a.SeenChange) {
		// The watcher read a change of the limits before the session showed
		// the login, so could not apply it here: read them again.
		ctx, cancel := context.WithTimeout(context.Background(), loginStoreTimeout)
		if err := s.applyAccountLimits(ctx, a.Login, c.session); err != nil {
			s.log.Error("read account limits at login", slog.String("login", a.Login), slog.Any("error", err))
		}
		cancel()
	}
	// A change the watcher read before the session showed the login, it could
	// not end; one it reads after, it will. Both without asking the database:
	// each login's query costs a round trip on PostgreSQL.
	change := s.changesRead.since(a.Login, a.SeenChange)
	kind, ok := accountChangeEnds[change]
	if !ok {
		return true
	}
	c.session.EndedBy(kind)
	if !tls {
		c.control.say("421 " + sentence(change) + "; closing.")
	}
	c.control.kill()
	return false
}

// PostAuthMessage gives every failed login the same reply, and a login that
// could not be checked one that says to try again later (sent with 421).
func (d *driver) PostAuthMessage(_ ftpserver.ClientContext, _ string, authErr error) string {
	if m, ok := errors.AsType[maintenanceError](authErr); ok {
		return m.reply
	}
	if errors.Is(authErr, ftpserver.ErrServiceUnavailable) {
		return "Service temporarily unavailable; try again later."
	}
	if authErr != nil {
		return "Login incorrect."
	}
	return "Login successful."
}

// WrapPassiveListenerForClient ties a passive listener to its session as it is
// made, for plain FTP and FTPS alike (the 227/229 reply of FTPS is encrypted).
func (d *driver) WrapPassiveListenerForClient(cc ftpserver.ClientContext, l net.Listener) (net.Listener, error) {
	c, ok := cc.Extra().(*conn)
	if !ok {
		return nil, errNoSession
	}
	return d.srv.passive.wrap(l, c.control, c.ip)
}

// HomeDir is where an FTP account's files live.
func HomeDir(dataDir, customer, login string) string {
	return filepath.Join(dataDir, "home", customer, login)
}

func (s *Server) openHome(a store.FTPAccount) (*os.Root, error) {
	dir := HomeDir(s.cfg.DataDir, a.Customer, a.Login)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, err
	}
	return os.OpenRoot(dir)
}

// maintenanceError refuses a login during maintenance; the client is told
// "421 REPLY".
type maintenanceError struct{ reply string }

func (e maintenanceError) Error() string { return "maintenance: " + e.reply }

func (e maintenanceError) Unwrap() error { return ftpserver.ErrServiceUnavailable }

// maintenanceReply is the text of the 421 a login gets during maintenance.
func maintenanceReply(message string) string {
	if message == "" {
		return "The server is down for maintenance."
	}
	return message
}
