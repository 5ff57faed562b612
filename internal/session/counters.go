package session

import (
	"sync"
	"sync/atomic"
)

// counters are the registry's running totals since start, for metrics.
type counters struct {
	logins atomic.Int64

	mu        sync.Mutex
	endedBy   map[EndKind]int64
	bytesUp   int64 // of ended sessions
	bytesDown int64
}

// ended counts an ended session; the caller holds c.mu.
func (c *counters) ended(s Snapshot) {
	if c.endedBy == nil {
		c.endedBy = make(map[EndKind]int64)
	}
	c.endedBy[s.EndReason.Kind]++ // one count per kind, whoever clicked
	c.bytesUp += s.BytesUp
	c.bytesDown += s.BytesDown
}

// Totals are counts since the registry started.
type Totals struct {
	Logins    int64             // successful FTP logins
	EndedBy   map[EndKind]int64 // ended sessions by kind; every kind of EndKinds is there, 0 or more
	BytesUp   int64             // received from clients, ended and live sessions
	BytesDown int64             // sent to clients, ended and live sessions
}

// Totals returns the counts since start.
func (r *Registry) Totals() Totals {
	c := &r.counts
	c.mu.Lock()
	defer c.mu.Unlock()
	var liveUp, liveDown int64
	for _, s := range r.all() {
		liveUp += s.bytesUp.Load()
		liveDown += s.bytesDown.Load()
	}
	t := Totals{Logins: c.logins.Load(), EndedBy: make(map[EndKind]int64, len(endKinds)),
		BytesUp: c.bytesUp + liveUp, BytesDown: c.bytesDown + liveDown}
	for _, k := range endKinds {
		t.EndedBy[k] = 0
	}
	for k, v := range c.endedBy {
		t.EndedBy[k] = v
	}
	return t
}
