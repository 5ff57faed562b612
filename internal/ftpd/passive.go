package ftpd

import (
	"errors"
	"net"
	"net/netip"
	"sync"
	"time"
)

// errTooManyPassive refuses a PASV/EPSV from an address that holds its share of
// the passive ports; the client reads it in a 425 reply and its session goes on.
var errTooManyPassive = errors.New("Too many passive connections open from your address; finish a transfer first.")

// passiveListeners is the passive data listeners of every session: it hands their
// ports out and takes them back, and bounds how many one address holds.
type passiveListeners struct {
	ports *portPool // nil when the system picks the ports
	// perIP is the most listeners one address may hold at once; 0 is no limit.
	perIP int
	// timeout closes a listener that gets no data connection within it.
	timeout time.Duration
	// keepAlive turns TCP keep-alive on for data connections, which have none
	// otherwise (as vsftpd's): only a server without a stall timeout needs it,
	// to end a transfer whose client has vanished.
	keepAlive bool

	mu   sync.Mutex
	held map[netip.Addr]int // listeners open, by client address
}

// newPassiveListeners serves ports from r (the system's choice when r is zero),
// perIP at once to one address: 0 is a quarter of the range, at least one.
func newPassiveListeners(r PortRange, perIP int, timeout time.Duration) *passiveListeners {
	p := &passiveListeners{perIP: perIP, timeout: timeout, held: make(map[netip.Addr]int)}
	if r.Low > 0 {
		p.ports = newPortPool(r.Low, r.High, timeout, time.Now)
		if p.perIP == 0 {
			p.perIP = max(1, p.ports.NumberAttempts()/4)
		}
	}
	return p
}

// wrap ties l, just made for a session's PASV or EPSV, to that session: the kill
// resets its data connection, and only the session's client may connect. It
// refuses an address that holds its share of the range already.
func (p *passiveListeners) wrap(l net.Listener, control *controlConn, client string) (*dataListener, error) {
	dl := &dataListener{Listener: l, owner: p, client: addrOf(client)}
	if a, ok := l.Addr().(*net.TCPAddr); ok {
		dl.port = a.Port
	}
	p.mu.Lock()
	held := p.held[dl.client]
	if previous := control.dataLn.Load(); previous != nil && previous.open {
		held-- // the library closes the session's previous listener once this one is announced
	}
	if p.perIP > 0 && held >= p.perIP {
		p.mu.Unlock()
		if p.ports != nil {
			p.ports.unused(dl.port)
		}
		return nil, errTooManyPassive
	}
	p.held[dl.client]++
	dl.open = true
	p.mu.Unlock()
	if p.ports != nil {
		p.ports.hold(dl.port)
	}
	dl.idle = time.AfterFunc(p.timeout, dl.expire)
	control.dataLn.Store(dl)
	if control.killed.Load() {
		dl.abort() // the kill came while this PASV was being answered
	}
	return dl, nil
}

// dataListener is a passive listener that takes one data connection, from its
// session's client, and remembers it, so a disconnect can reset it. It hands out
// the raw TCP connection: wrapping it would cost the sendfile path of downloads.
type dataListener struct {
	net.Listener
	owner  *passiveListeners
	port   int
	client netip.Addr  // the only address a data connection may come from
	open   bool        // counted in owner.held; guarded by owner.mu
	idle   *time.Timer // closes the listener if no data connection comes

	mu       sync.Mutex
	conns    []net.Conn
	accepted bool
	aborted  bool
}

func (l *dataListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if remoteAddr(c) != l.client {
			resetAndClose(c) // someone else's; the client may still come
			continue
		}
		l.mu.Lock()
		if l.aborted || l.accepted {
			l.mu.Unlock()
			resetAndClose(c)
			return nil, net.ErrClosed
		}
		l.accepted = true
		l.conns = append(l.conns, c)
		l.mu.Unlock()
		l.idle.Stop()
		// One data connection per PASV: a late one, such as a connection meant for
		// a session that has gone, is refused rather than queued. The port stays
		// out of the pool until the transfer ends.
		l.Listener.Close()
		// Go turns Nagle's algorithm off on every TCP connection. A data connection
		// wants it on, as vsftpd leaves it: a download's sendfile resumes each time
		// the socket buffer drains a little, and without Nagle every such resume
		// sends its own short segment. 8 parallel downloads went from 0.88x to
		// about 1x vsftpd's throughput with it on (docs/benchmarks.md). Closing the
		// connection still sends the last partial segment at once.
		if tc, ok := c.(*net.TCPConn); ok {
			tc.SetNoDelay(false)
			if l.owner.keepAlive {
				tc.SetKeepAlive(true)
			}
		}
		return c, nil
	}
}

// Close is the library's normal end of a transfer: it closes the data connection
// itself, gracefully.
func (l *dataListener) Close() error {
	l.idle.Stop()
	l.mu.Lock()
	l.conns = nil
	l.mu.Unlock()
	l.Listener.Close()
	l.release()
	return nil
}

// expire closes a listener that got no data connection in time, so a session
// that sends PASV and never connects does not keep its port. A connection
// accepted at that moment is refused (aborted), never served on a port given back.
func (l *dataListener) expire() {
	l.mu.Lock()
	accepted := l.accepted
	if !accepted {
		l.aborted = true
	}
	l.mu.Unlock()
	if !accepted {
		l.Listener.Close()
		l.release()
	}
}

// abort resets the data connections and closes the listener, for a disconnect.
func (l *dataListener) abort() {
	l.idle.Stop()
	l.mu.Lock()
	l.aborted = true
	conns := l.conns
	l.conns = nil
	l.mu.Unlock()
	for _, c := range conns {
		resetAndClose(c)
	}
	l.Listener.Close()
	l.release()
}

// release gives the listener's port and its place in the address's share back,
// once; the socket is closed first, so the port can be listened on again.
func (l *dataListener) release() {
	l.mu.Lock()
	connected := l.accepted
	l.mu.Unlock()
	p := l.owner
	p.mu.Lock()
	was := l.open
	l.open = false
	if was {
		if p.held[l.client]--; p.held[l.client] <= 0 {
			delete(p.held, l.client)
		}
	}
	p.mu.Unlock()
	if was && p.ports != nil {
		p.ports.release(l.port, connected)
	}
}

// resetAndClose closes c with a TCP reset: the kernel drops what is still queued
// instead of delivering it, so the client sees an error, not a clean end of file.
func resetAndClose(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	c.Close()
}

// remoteAddr is c's remote address without its port or zone, IPv4 in IPv6 unmapped.
func remoteAddr(c net.Conn) netip.Addr {
	if a, ok := c.RemoteAddr().(*net.TCPAddr); ok {
		return a.AddrPort().Addr().WithZone("").Unmap()
	}
	return netip.Addr{}
}

// addrOf parses a client address as the driver keeps it ("192.0.2.1",
// "fe80::1%eth0"), without its zone, IPv4 in IPv6 unmapped.
func addrOf(s string) netip.Addr {
	a, _ := netip.ParseAddr(s)
	return a.WithZone("").Unmap()
}
