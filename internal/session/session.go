// Package session is the live registry of FTP sessions. It knows nothing of FTP
// or HTTP: the FTP side adds sessions, reports what they do and hands over a way to
// close them; the panel lists them and asks for disconnects.
package session

import (
	"context"
	"crypto/rand"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// State is what a session is doing, as shown to panel users.
type State string

// The states a session can be in.
const (
	StateNotLoggedIn State = "not logged in"
	StateIdle        State = "idle"
	StateUploading   State = "uploading"
	StateDownloading State = "downloading"
	StateListing     State = "listing"
)

// Session is one FTP control connection, from accept to close. Counters and
// timestamps written on hot paths are atomics; the rest sits behind mu.
type Session struct {
	id          string
	node        string // the registry's Node, set by Add
	remoteIP    string
	remotePort  int
	connectedAt time.Time

	bytesUp      atomic.Int64
	bytesDown    atomic.Int64
	lastActivity atomic.Int64 // unix nanoseconds
	// lastMoved is when the current transfer last moved a byte (or began), in
	// unix nanoseconds: what the stall timeout measures.
	lastMoved atomic.Int64
	closing   atomic.Bool
	done      chan struct{}
	// rateLimit is the session's limit in bytes per second set by an
	// administrator, customerLimit the one its customer set, 0 for none; the
	// lower applies, and the limiter, behind mu, enforces it. killed is
	// cancelled when the session is closed, which ends a limited transfer's wait.
	rateLimit     atomic.Int64
	customerLimit atomic.Int64
	limiter       *rate.Limiter
	// accountDown and accountUp are the limits of the session's account, 0
	// for none; uploading says which one its current transfer takes. maxRate
	// is the registry's cap, set by Add; sharing (behind mu) says the current
	// transfer counts among those sharing it.
	accountDown atomic.Int64
	accountUp   atomic.Int64
	uploading   atomic.Bool
	maxRate     *maxRate
	sharing     bool
	onLimit     func() // behind mu
	killed      context.Context
	cancel      context.CancelFunc
	endOnce     sync.Once

	// changed tells the registry's watchers that the session changed, and loggedIn
	// counts logins; both are set by Add.
	changed  func()
	loggedIn func(*Session)

	mu          sync.Mutex
	idleTimeout time.Duration // this session's own, when its account has one
	endReason   EndReason
	filesUp     int
	filesDown   int
	rate        rateWindow
	login       string
	customer    string
	client      string
	tls         bool
	loggedInAt  time.Time
	state       State
	transfer    transfer
	// lastTransfer is when the session last began or ended a transfer or
	// listing, or logged in: what the no-transfer timeout measures.
	lastTransfer time.Time
	// closeFunc is the kill: internal/ftpd's controlConn.kill, handed to New in
	// driver.ClientConnected, resets the data connection and closes the control
	// one at once. Registry.close calls it for a panel Disconnect and the server's ends.
	closeFunc func()
}

// transfer is the file transfer or listing a session is busy with.
type transfer struct {
	file      string
	size      int64 // -1 when unknown
	startedAt time.Time
	startUp   int64 // byte counters when the transfer started
	startDown int64
}

// New makes a session for a connection that was just accepted. closeFunc must close
// the connection (and any data connection) without waiting for the FTP side to
// notice; the FTP side calls End once it has.
func New(remoteIP string, remotePort int, now time.Time, closeFunc func()) *Session {
	s := &Session{
		id:          NewID(),
		remoteIP:    remoteIP,
		remotePort:  remotePort,
		connectedAt: now,
		done:        make(chan struct{}),
		state:       StateNotLoggedIn,
		closeFunc:   closeFunc,
	}
	s.killed, s.cancel = context.WithCancel(context.Background())
	s.lastActivity.Store(now.UnixNano())
	return s
}

// NewID returns a random session ID: 128 bits, base32, safe in a URL.
func NewID() string { return rand.Text() }

// ValidID reports whether id has the shape of a session ID, so that malformed
// input is turned away before any lookup.
func ValidID(id string) bool {
	if len(id) != 26 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'A' && c <= 'Z' || c >= '2' && c <= '7') {
			return false
		}
	}
	return true
}

// ID is the session's opaque identifier.
func (s *Session) ID() string { return s.id }

// Done is closed when the session has ended.
func (s *Session) Done() <-chan struct{} { return s.done }

// LoggedIn records a successful login. client is what the FTP client said it is
// (CLNT), kept in its Visible form.
func (s *Session) LoggedIn(login, customer, client string, tls bool, now time.Time) {
	client = Visible(client, MaxClientLen)
	s.mu.Lock()
	s.login, s.customer, s.client, s.tls = login, customer, client, tls
	s.loggedInAt = now
	s.lastTransfer = now
	s.state = StateIdle
	s.mu.Unlock()
	s.Touch(now)
	if s.loggedIn != nil {
		s.loggedIn(s)
	}
	s.notify()
}

func (s *Session) notify() {
	if s.changed != nil {
		s.changed()
	}
}

// SetIdleTimeout gives the session an idle timeout of its own (its account's).
func (s *Session) SetIdleTimeout(d time.Duration) {
	s.mu.Lock()
	s.idleTimeout = d
	s.mu.Unlock()
}

// StartTransfer records that the session began uploading, downloading or listing.
// size is the file's size when known, or -1. The client chose file's name, so it
// is kept in its Visible form.
func (s *Session) StartTransfer(state State, file string, size int64, now time.Time) {
	file = Visible(file, MaxFileLen)
	s.mu.Lock()
	s.state = state
	s.transfer = transfer{
		file:      file,
		size:      size,
		startedAt: now,
		startUp:   s.bytesUp.Load(),
		startDown: s.bytesDown.Load(),
	}
	s.lastTransfer = now
	s.lastMoved.Store(now.UnixNano())
	s.uploading.Store(state == StateUploading)
	s.joinCap(state)
	s.mu.Unlock()
	s.Touch(now)
	s.notify()
}

// EndTransfer records that the current transfer or listing is over; complete says
// whether a file arrived whole.
func (s *Session) EndTransfer(now time.Time, complete bool) {
	s.mu.Lock()
	if complete {
		switch s.state {
		case StateUploading:
			s.filesUp++
		case StateDownloading:
			s.filesDown++
		}
	}
	if s.login != "" {
		s.state = StateIdle
	}
	s.transfer = transfer{}
	s.lastTransfer = now
	s.leaveCap()
	s.mu.Unlock()
	s.Touch(now)
	s.notify()
}

// EndListing ends a directory listing, if one is under way.
func (s *Session) EndListing(now time.Time) {
	s.mu.Lock()
	listing := s.state == StateListing
	if listing {
		s.state = StateIdle
		s.transfer = transfer{}
		s.lastTransfer = now
	}
	s.mu.Unlock()
	if listing {
		s.notify()
	}
}

// AddUp counts bytes received from the client.
func (s *Session) AddUp(n int64, now time.Time) {
	s.bytesUp.Add(n)
	s.moved(n, now)
	s.Touch(now)
}

// AddDown counts bytes sent to the client.
func (s *Session) AddDown(n int64, now time.Time) {
	s.bytesDown.Add(n)
	s.moved(n, now)
	s.Touch(now)
}

// moved records that n bytes of a transfer went through at now.
func (s *Session) moved(n int64, now time.Time) {
	if n <= 0 {
		return
	}
	t := now.UnixNano()
	for {
		old := s.lastMoved.Load()
		if t <= old || s.lastMoved.CompareAndSwap(old, t) {
			return
		}
	}
}

// Touch records activity on the control or data connection.
func (s *Session) Touch(now time.Time) {
	n := now.UnixNano()
	for {
		old := s.lastActivity.Load()
		if n <= old || s.lastActivity.CompareAndSwap(old, n) {
			return
		}
	}
}

// EndedBy records why the session is ending. The first reason given wins: the one
// set before a connection is closed explains what the FTP side sees afterwards.
func (s *Session) EndedBy(kind EndKind) { s.endWith(EndReason{Kind: kind}) }

func (s *Session) endWith(r EndReason) {
	s.mu.Lock()
	if s.endReason.Kind == "" {
		s.endReason = r
	}
	s.mu.Unlock()
}

// Farewell is the message its client is to be told as it is disconnected: set
// by a Disconnect with a message, read by the FTP side's kill. "" for none.
func (s *Session) Farewell() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.endReason.Message
}

// End marks the session as ended; it is safe to call more than once.
func (s *Session) End() {
	s.endOnce.Do(func() {
		s.cancel()
		close(s.done)
	})
}

// Snapshot is a copy of a session's state at one moment, safe to keep and render.
type Snapshot struct {
	ID           string
	Node         string // the node whose FTP server holds the session
	Login        string // empty before login
	Customer     string // empty before login
	RemoteIP     string
	RemotePort   int
	Client       string
	TLS          bool
	ConnectedAt  time.Time
	LoggedInAt   time.Time // zero before login
	LastActivity time.Time
	State        State
	File         string
	Size         int64 // size of the file being downloaded, -1 when unknown
	BytesUp      int64
	BytesDown    int64
	// TransferBytes is how much of the current file has gone through.
	TransferBytes int64
	// TransferStarted is when the current transfer began; zero when there is none.
	TransferStarted time.Time
	// TransferRate is the current transfer's average rate in bytes per second.
	TransferRate float64
	// Rate is how fast bytes moved over the last few seconds, in bytes per second.
	Rate      float64
	FilesUp   int       // files uploaded whole
	FilesDown int       // files downloaded whole
	EndReason EndReason // zero until the session is ending
	// IdleTimeout is the session's own idle timeout; 0 means the server's.
	IdleTimeout time.Duration
	// RateLimit is the session's own limit in bytes per second; 0 for none.
	RateLimit int64
	// AccountDownLimit and AccountUpLimit are the limits of the session's
	// account in bytes per second; 0 for none.
	AccountDownLimit, AccountUpLimit int64
	Now                              time.Time
}

// Snapshot copies the session's state as of now.
func (s *Session) Snapshot(now time.Time) Snapshot {
	s.mu.Lock()
	// Read under mu, which StartTransfer holds while it records the start counts, so
	// the bytes of the current transfer never come out negative.
	up, down := s.bytesUp.Load(), s.bytesDown.Load()
	snap := Snapshot{
		ID:          s.id,
		Node:        s.node,
		Login:       s.login,
		Customer:    s.customer,
		RemoteIP:    s.remoteIP,
		RemotePort:  s.remotePort,
		Client:      s.client,
		TLS:         s.tls,
		ConnectedAt: s.connectedAt,
		LoggedInAt:  s.loggedInAt,
		State:       s.state,
		File:        s.transfer.file,
		Size:        -1,
		BytesUp:     up,
		BytesDown:   down,
		FilesUp:     s.filesUp,
		FilesDown:   s.filesDown,
		EndReason:   s.endReason,
		IdleTimeout: s.idleTimeout,
		Rate:        s.rate.perSecond(),
		RateLimit:   s.RateLimit(),
		Now:         now,

		AccountDownLimit: s.accountDown.Load(),
		AccountUpLimit:   s.accountUp.Load(),
	}
	t := s.transfer
	s.mu.Unlock()
	snap.LastActivity = time.Unix(0, s.lastActivity.Load())
	if !t.startedAt.IsZero() {
		snap.TransferStarted = t.startedAt
		snap.Size = t.size
		snap.TransferBytes = (up - t.startUp) + (down - t.startDown)
		if elapsed := now.Sub(t.startedAt).Seconds(); elapsed > 0 {
			snap.TransferRate = float64(snap.TransferBytes) / elapsed
		}
	}
	return snap
}

// LoggedIn reports whether the snapshot's session had logged in.
func (s Snapshot) LoggedIn() bool { return s.Login != "" }

// ConnectedFor is how long the session has been connected.
func (s Snapshot) ConnectedFor() time.Duration { return s.Now.Sub(s.ConnectedAt) }

// IdleFor is how long the session has seen no traffic on its control or data
// connection. A transfer that has stalled is idle too.
func (s Snapshot) IdleFor() time.Duration {
	if d := s.Now.Sub(s.LastActivity); d > 0 {
		return d
	}
	return 0
}
