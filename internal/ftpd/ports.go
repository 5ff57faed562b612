package ftpd

import (
	"container/list"
	"sync"
)

// portPool hands out the passive ports of a range, the one released longest ago
// first: a late data connection meant for a session that has gone then finds no
// listener (and is refused) instead of another session's new one on the same port.
// It is the library's PasvPortGetter: it never draws, and never offers a port one
// of our listeners holds.
type portPool struct {
	low, high int

	mu    sync.Mutex
	free  list.List             // ports no listener of ours holds, least recently released first
	elems map[int]*list.Element // the free ports' places in free
}

func newPortPool(low, high int) *portPool {
	p := &portPool{low: low, high: high, elems: make(map[int]*list.Element, high-low+1)}
	for port := low; port <= high; port++ {
		p.elems[port] = p.free.PushBack(port)
	}
	return p
}

// FetchNext offers the free port released longest ago. The library asks again only
// when it could not listen there (another program holds the port), so the offered
// port moves to the back of the queue; it leaves the queue once its listener is
// wrapped (hold).
func (p *portPool) FetchNext() (exposed, listened int, ok bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	e := p.free.Front()
	if e == nil {
		return 0, 0, false
	}
	p.free.MoveToBack(e)
	port := e.Value.(int)
	return port, port, true
}

// NumberAttempts is how many ports the library may try for one PASV: each free
// one, when others hold the rest.
func (p *portPool) NumberAttempts() int { return p.high - p.low + 1 }

// hold takes port out of the queue while a listener of ours holds it.
func (p *portPool) hold(port int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if e := p.elems[port]; e != nil {
		p.free.Remove(e)
		delete(p.elems, port)
	}
}

// release puts port back, at the end of the queue.
func (p *portPool) release(port int) {
	if port < p.low || port > p.high {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.elems[port] == nil {
		p.elems[port] = p.free.PushBack(port)
	}
}
