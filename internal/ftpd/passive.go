package ftpd

import (
	"net"
	"sync"
	"time"
)

// passiveListeners tracks the passive data listeners by port, so a session's
// control connection can find the one named in its 227/229 reply.
type passiveListeners struct {
	mu     sync.Mutex
	byPort map[int]*dataListener
	// unannounced bounds how long a listener may wait for its session's 227/229
	// reply. The library opens the listener before it builds the reply, and when
	// that fails (PASV on an IPv6 connection) it neither announces nor closes it.
	unannounced time.Duration
	// only, when set, is the one local address data connections may arrive on:
	// the library binds passive ports on every interface, so others are turned
	// away at accept.
	only net.IP
}

func (p *passiveListeners) wrap(l net.Listener) *dataListener {
	dl := &dataListener{Listener: l, owner: p, only: p.only}
	if addr, ok := l.Addr().(*net.TCPAddr); ok {
		dl.port = addr.Port
	}
	dl.orphan = time.AfterFunc(p.unannounced, func() {
		p.forget(dl)
		dl.Listener.Close()
	})
	p.mu.Lock()
	p.byPort[dl.port] = dl
	p.mu.Unlock()
	return dl
}

func (p *passiveListeners) lookup(port int) *dataListener {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.byPort[port]
}

func (p *passiveListeners) forget(dl *dataListener) {
	p.mu.Lock()
	if p.byPort[dl.port] == dl {
		delete(p.byPort, dl.port)
	}
	p.mu.Unlock()
}

// dataListener is a passive listener that remembers the data connections it
// accepted, so a disconnect can reset them. It hands out the raw TCP connections:
// wrapping them would cost the sendfile path of downloads.
type dataListener struct {
	net.Listener
	owner  *passiveListeners
	port   int
	only   net.IP
	orphan *time.Timer // closes the listener unless a reply announces it

	mu      sync.Mutex
	conns   []net.Conn
	aborted bool
}

func (l *dataListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	for err == nil && l.only != nil && !l.only.Equal(localIP(c)) {
		resetAndClose(c)
		c, err = l.Listener.Accept()
	}
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.aborted {
		resetAndClose(c)
		return nil, net.ErrClosed
	}
	l.conns = append(l.conns, c)
	// Go turns Nagle's algorithm off on every TCP connection. A data connection
	// wants it on, as vsftpd leaves it: a download's sendfile resumes each time
	// the socket buffer drains a little, and without Nagle every such resume
	// sends its own short segment. 8 parallel downloads went from 0.88x to
	// about 1x vsftpd's throughput with it on (docs/benchmarks.md). Closing the
	// connection still sends the last partial segment at once.
	if tc, ok := c.(*net.TCPConn); ok {
		tc.SetNoDelay(false)
	}
	return c, nil
}

// announced stops the orphan timer: the session's reply named this listener, so
// the library will close it.
func (l *dataListener) announced() { l.orphan.Stop() }

// Close is the library's normal end of a transfer: it closes the data connection
// itself, gracefully.
func (l *dataListener) Close() error {
	l.orphan.Stop()
	l.owner.forget(l)
	l.mu.Lock()
	l.conns = nil
	l.mu.Unlock()
	return l.Listener.Close()
}

// abort resets the data connections and closes the listener, for a disconnect.
func (l *dataListener) abort() {
	l.orphan.Stop()
	l.owner.forget(l)
	l.mu.Lock()
	l.aborted = true
	conns := l.conns
	l.conns = nil
	l.mu.Unlock()
	for _, c := range conns {
		resetAndClose(c)
	}
	l.Listener.Close()
}

// resetAndClose closes c with a TCP reset: the kernel drops what is still queued
// instead of delivering it, so the client sees an error, not a clean end of file.
func resetAndClose(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	c.Close()
}

func localIP(c net.Conn) net.IP {
	if a, ok := c.LocalAddr().(*net.TCPAddr); ok {
		return a.IP
	}
	return nil
}
