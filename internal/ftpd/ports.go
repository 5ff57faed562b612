package ftpd

import (
	"container/list"
	"sync"
	"time"
)

// portPool hands out the passive ports of a range, the one released longest ago
// first: a late data connection meant for a session that has gone then finds no
// listener (and is refused) instead of another session's new one on the same port.
// A port whose listener never got its data connection (the session was
// disconnected, dropped or sent PASV again first) may still get one from that
// client, so it rests for the connection timeout before it is offered again,
// unless no other port is free. It is the library's PasvPortGetter: it never
// draws, and never offers a port one of our listeners holds.
type portPool struct {
	low, high int
	rest      time.Duration
	now       func() time.Time

	mu      sync.Mutex
	free    list.List             // *poolPort ready to use, least recently released first
	resting list.List             // *poolPort released unused, oldest first
	elems   map[int]*list.Element // each port that is not held: its place in free or resting
}

type poolPort struct {
	port    int
	resting bool
	until   time.Time // when a resting port may join free
}

func newPortPool(low, high int, rest time.Duration, now func() time.Time) *portPool {
	p := &portPool{low: low, high: high, rest: rest, now: now, elems: make(map[int]*list.Element, high-low+1)}
	for port := low; port <= high; port++ {
		p.elems[port] = p.free.PushBack(&poolPort{port: port})
	}
	return p
}

// FetchNext offers the free port released longest ago, else the port that has
// rested longest. The library asks again only when it could not listen there
// (another program holds the port), so the offered port moves to the back of its
// queue; it leaves the queue once its listener is wrapped (hold).
func (p *portPool) FetchNext() (exposed, listened int, ok bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.wake()
	queue := &p.free
	if queue.Len() == 0 {
		queue = &p.resting
	}
	e := queue.Front()
	if e == nil {
		return 0, 0, false
	}
	queue.MoveToBack(e)
	port := e.Value.(*poolPort).port
	return port, port, true
}

// wake moves the ports whose rest is over to the back of free, in the order they
// were released.
func (p *portPool) wake() {
	now := p.now()
	for e := p.resting.Front(); e != nil; e = p.resting.Front() {
		pp := e.Value.(*poolPort)
		if now.Before(pp.until) {
			return
		}
		p.resting.Remove(e)
		pp.resting = false
		p.elems[pp.port] = p.free.PushBack(pp)
	}
}

// NumberAttempts is how many ports the library may try for one PASV: each free
// one, when others hold the rest.
func (p *portPool) NumberAttempts() int { return p.high - p.low + 1 }

// hold takes port out of the queues while a listener of ours holds it.
func (p *portPool) hold(port int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if e := p.elems[port]; e != nil {
		if e.Value.(*poolPort).resting {
			p.resting.Remove(e)
		} else {
			p.free.Remove(e)
		}
		delete(p.elems, port)
	}
}

// unused puts an offered port that was listened on but refused to its session
// (over the address's share) back at the front, where FetchNext found it: it was
// never handed out.
func (p *portPool) unused(port int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if e := p.elems[port]; e != nil && !e.Value.(*poolPort).resting {
		p.free.MoveToFront(e)
	}
}

// release puts port back: at the end of free when its listener got its data
// connection, else to rest.
func (p *portPool) release(port int, connected bool) {
	if port < p.low || port > p.high {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.elems[port] != nil {
		return
	}
	if connected {
		p.elems[port] = p.free.PushBack(&poolPort{port: port})
		return
	}
	p.elems[port] = p.resting.PushBack(&poolPort{port: port, resting: true, until: p.now().Add(p.rest)})
}
