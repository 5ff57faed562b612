package session

import (
	"slices"
	"sync"
	"testing"
	"time"
)

// clock is a registry clock that tests move by hand.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

// clockRegistry returns a registry whose clock is c, starting at start.
func clockRegistry(start time.Time) (*Registry, *clock) {
	c := &clock{now: start}
	r := NewRegistry()
	r.Now = c.Now
	r.EndWait = longWait
	return r, c
}

// endLog records what OnEnd receives; OnEnd runs on the FTP side's goroutines.
type endLog struct {
	mu    sync.Mutex
	snaps []Snapshot
}

func (l *endLog) record(s Snapshot) {
	l.mu.Lock()
	l.snaps = append(l.snaps, s)
	l.mu.Unlock()
}

func (l *endLog) all() []Snapshot {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.snaps)
}

// byID returns the ended snapshots of one session.
func (l *endLog) byID(id string) []Snapshot {
	var out []Snapshot
	for _, s := range l.all() {
		if s.ID == id {
			out = append(out, s)
		}
	}
	return out
}

// one returns the single ended snapshot of a session, failing if there is not
// exactly one.
func (l *endLog) one(t *testing.T, id string) Snapshot {
	t.Helper()
	got := l.byID(id)
	if len(got) != 1 {
		t.Fatalf("OnEnd called %d times for %s, want 1", len(got), id)
	}
	return got[0]
}

func withEndLog(r *Registry) *endLog {
	l := &endLog{}
	r.OnEnd = l.record
	return l
}

// pending reports, without blocking, whether a notification is waiting on c, and
// consumes it. Notifications are sent synchronously, so a check right after an
// operation sees whether that operation notified.
func pending(c <-chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

// sortedIDs returns the IDs of snaps, sorted, for comparisons that do not depend on order.
func sortedIDs(snaps []Snapshot) []string {
	out := ids(snaps)
	slices.Sort(out)
	return out
}

func idsOf(conns ...*fakeConn) []string {
	out := make([]string, len(conns))
	for i, c := range conns {
		out[i] = c.s.ID()
	}
	slices.Sort(out)
	return out
}
