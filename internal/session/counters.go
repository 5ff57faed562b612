package session

import (
	"strings"
	"sync"
	"sync/atomic"
)

// counters are the registry's running totals since start, for metrics.
type counters struct {
	logins atomic.Int64

	mu        sync.Mutex
	endedBy   map[string]int64
	bytesUp   int64 // of ended sessions
	bytesDown int64
}

// ended counts an ended session; the caller holds c.mu.
func (c *counters) ended(s Snapshot) {
	reason := s.EndReason
	if strings.HasPrefix(reason, "disconnected by ") {
		reason = EndDisconnected // one series, whoever clicked
	}
	if c.endedBy == nil {
		c.endedBy = make(map[string]int64)
	}
	c.endedBy[reason]++
	c.bytesUp += s.BytesUp
	c.bytesDown += s.BytesDown
}

// EndDisconnected is how Totals counts every "disconnected by NAME".
const EndDisconnected = "disconnected"

// Totals are counts since the registry started.
type Totals struct {
	Logins    int64            // successful FTP logins
	EndedBy   map[string]int64 // ended sessions by reason (see EndQuit and the others)
	BytesUp   int64            // received from clients, ended and live sessions
	BytesDown int64            // sent to clients, ended and live sessions
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
	t := Totals{Logins: c.logins.Load(), EndedBy: make(map[string]int64, len(c.endedBy)),
		BytesUp: c.bytesUp + liveUp, BytesDown: c.bytesDown + liveDown}
	for k, v := range c.endedBy {
		t.EndedBy[k] = v
	}
	return t
}
