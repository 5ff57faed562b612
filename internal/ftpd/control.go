package ftpd

import (
	"errors"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ftppanel/ftppanel/internal/session"
)

// controlListener hands the FTP library counting control connections and keeps each
// one until the driver's ClientConnected claims it for its session.
type controlListener struct {
	net.Listener
	now func() time.Time
	// admit decides, before the library sees a connection, whether it may in;
	// release is called once for each admitted connection when it closes.
	admit   func(net.Conn) bool
	release func(net.Conn)

	mu        sync.Mutex
	unclaimed map[string]*controlConn // by remote address
}

func (l *controlListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	for err == nil && l.admit != nil && !l.admit(c) {
		c, err = l.Listener.Accept()
	}
	if err != nil {
		return nil, err // unwrapped: the library recognises a closed listener by it
	}
	cc := &controlConn{Conn: c, listener: l}
	l.mu.Lock()
	l.unclaimed[c.RemoteAddr().String()] = cc
	l.mu.Unlock()
	return cc, nil
}

// claim returns the connection accepted from remote and forgets it.
func (l *controlListener) claim(remote string) *controlConn {
	l.mu.Lock()
	defer l.mu.Unlock()
	cc := l.unclaimed[remote]
	delete(l.unclaimed, remote)
	return cc
}

// controlConn is an FTP control connection as the library sees it. It records
// activity on its session, keeps the session's passive listener, and can be
// killed from another goroutine.
type controlConn struct {
	net.Conn
	listener *controlListener

	session atomic.Pointer[session.Session]
	dataLn  atomic.Pointer[dataListener] // the session's newest passive listener, set by passiveListeners.wrap
	killed  atomic.Bool
	// encrypted is set once the library has answered AUTH TLS (234): from then
	// on only the library's TLS connection may write to the client.
	encrypted atomic.Bool
	released  sync.Once

	// The deadline the library asked for last, and the one the socket has
	// (see SetDeadline).
	deadlineMu     sync.Mutex
	wantedDeadline time.Time
	armedDeadline  time.Time
}

// SetDeadline is the library's idle deadline, set again before every command
// (a backstop far past ours: the server ends idle sessions itself, watch.go).
// Moving a socket's deadline changes a runtime timer, and for that change the
// runtime wakes an idle thread: a thread woken and put back to sleep for most
// commands (0.77 context switches a downloaded small file; 0.24 without).
// So a later deadline is only noted: the socket keeps the earlier one, and when
// that one passes, Read and Write move the socket to the deadline noted and go
// on. A deadline earlier than the socket's, or none, is set at once. The
// connection times out when the library's last deadline passes, as before.
func (c *controlConn) SetDeadline(t time.Time) error {
	c.deadlineMu.Lock()
	defer c.deadlineMu.Unlock()
	c.wantedDeadline = t
	if !t.IsZero() && !c.armedDeadline.IsZero() && !t.Before(c.armedDeadline) {
		return nil
	}
	c.armedDeadline = t
	return c.Conn.SetDeadline(t)
}

// rearm gives the socket the deadline the library asked for, if that is later
// than the one that just passed; it reports whether it did, and the read or
// write that timed out should go on. A timeout before the socket's deadline
// came from a shorter one set past this bookkeeping, by say or kill to get past
// a client that has stopped reading: that one stands, or a write blocked on
// such a client would hold the connection, and the disconnect, for a day.
func (c *controlConn) rearm(err error) bool {
	if !errors.Is(err, os.ErrDeadlineExceeded) || c.killed.Load() {
		return false
	}
	c.deadlineMu.Lock()
	defer c.deadlineMu.Unlock()
	if !c.wantedDeadline.After(c.armedDeadline) || time.Now().Before(c.armedDeadline) {
		return false
	}
	c.armedDeadline = c.wantedDeadline
	return c.Conn.SetDeadline(c.armedDeadline) == nil
}

func (c *controlConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	for n == 0 && c.rearm(err) {
		n, err = c.Conn.Read(p)
	}
	if s := c.session.Load(); s != nil {
		if n > 0 {
			s.Touch(c.listener.now())
		}
		switch {
		case err == nil:
		case errors.Is(err, os.ErrDeadlineExceeded):
			s.EndedBy(session.EndIdleTimeout) // the library's idle deadline
		default:
			s.EndedBy(session.EndClientDropped)
		}
	}
	return n, err
}

func (c *controlConn) Write(p []byte) (int, error) {
	if c.killed.Load() {
		return len(p), nil // the library's last words to a killed session go nowhere, quietly
	}
	if len(p) >= 4 && string(p[:4]) == "234 " {
		c.encrypted.Store(true) // the next bytes are the TLS handshake
	}
	n, err := c.Conn.Write(p)
	for n < len(p) && c.rearm(err) {
		var more int
		more, err = c.Conn.Write(p[n:])
		n += more
	}
	if s := c.session.Load(); s != nil && n > 0 {
		now := c.listener.now()
		s.Touch(now)
		if finalReply(p) {
			s.EndListing(now)
		}
	}
	return n, err
}

// Close is the library closing the connection: after QUIT, unless a reason was
// already given (a kill, a failed login, an idle timeout, a drop).
func (c *controlConn) Close() error {
	if s := c.session.Load(); s != nil {
		s.EndedBy(session.EndQuit)
	}
	c.listener.claim(c.RemoteAddr().String()) // in case the library never reached ClientConnected
	if c.listener.release != nil {
		c.released.Do(func() { c.listener.release(c.Conn) })
	}
	err := c.Conn.Close()
	if c.killed.Load() {
		return nil // kill closed it first; the library need not warn about it
	}
	return err
}

// say writes a last reply straight to the client, past the library, before the
// connection is killed; it never blocks for long.
func (c *controlConn) say(reply string) {
	if c.killed.Load() {
		return
	}
	c.Conn.SetWriteDeadline(time.Now().Add(time.Second))
	c.Conn.Write([]byte(reply + "\r\n"))
}

// farewellWait bounds the write of a disconnect's "421 MESSAGE": the kernel takes
// a short reply at once unless the client has left its replies unread for long.
const farewellWait = 50 * time.Millisecond

// kill closes the session's connections at once: the data connection with a reset,
// so a client cannot mistake buffered bytes for a finished file, and the passive
// listener, which releases a transfer waiting for its data connection; then the
// control connection. The library notices and ends the session on its own goroutine.
// A disconnect with a message first tells the client "421 MESSAGE" on a plain
// control connection; under FTPS the TLS state is the library's, so the client
// only sees the close.
func (c *controlConn) kill() {
	first := !c.killed.Swap(true)
	if s := c.session.Load(); first && s != nil && !c.encrypted.Load() {
		if msg := s.Farewell(); msg != "" {
			// Past the library (killed is set, so its own last words go nowhere);
			// a reply it is writing at this moment finishes first.
			c.Conn.SetWriteDeadline(time.Now().Add(farewellWait))
			c.Conn.Write([]byte("421 " + msg + "\r\n"))
		}
	}
	if dl := c.dataLn.Load(); dl != nil {
		dl.abort()
	}
	c.Conn.Close()
}

// dropData resets the session's data connections and closes its passive
// listener, for a session whose client has gone: what is still queued for the
// client is dropped rather than delivered and ended as if the file ended there.
// A transfer that finished has no data connection left to reset.
func (c *controlConn) dropData() {
	if dl := c.dataLn.Load(); dl != nil {
		dl.abort()
	}
}

// finalReply reports whether p starts with a reply that ends a command (2xx-5xx),
// as opposed to a preliminary 1xx.
func finalReply(p []byte) bool {
	return len(p) >= 4 && p[0] >= '2' && p[0] <= '5' && p[3] == ' '
}
