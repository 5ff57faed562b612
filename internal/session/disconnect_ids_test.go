package session

import (
	"slices"
	"sync"
	"testing"
	"time"
)

// Ticking many sessions closes them all before waiting for any: a session's FTP
// side ends only once every close was called, and none may have ended by then
// (a wait that ran out would have dropped it).
func TestDisconnectIDsClosesAllBeforeWaiting(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	r := testRegistry(now)
	r.EndWait = time.Millisecond // a wait between closes would run out at once
	log := withEndLog(r)
	const n = 8
	release := make(chan struct{})
	var mu sync.Mutex
	var conns []*fakeConn
	closes := 0
	for range n {
		c := addLoggedIn(r, "bob", "acme", now, holdRemove(release))
		c.onClose = func() {
			mu.Lock()
			defer mu.Unlock()
			closes++
			if closes < n {
				return
			}
			for i, c := range conns {
				if isDone(c.s) {
					t.Errorf("session %d ended before the last close: closes and waits took turns", i)
				}
			}
			close(release)
		}
		conns = append(conns, c)
	}
	other := addLoggedIn(r, "gina", "globex", now)

	ticked := append(idsOf(conns...), other.s.ID(), "NOSUCHSESSIONAAAAAAAAAAAAA", conns[0].s.ID(), "")
	closed := r.DisconnectIDs(ticked, CustomerSessions("acme"), "alice", "")

	if got, want := ids(closed), idsOf(conns...); !slices.Equal(got, want) {
		t.Errorf("closed %v, want acme's sessions in the order ticked %v", got, want)
	}
	for i, c := range conns {
		if !isDone(c.s) {
			t.Errorf("session %d still live", i)
		}
		if got := log.one(t, c.s.ID()).EndReason.String(); got != "disconnected by alice" {
			t.Errorf("session %d ended as %q", i, got)
		}
		if calls := c.calls.Load(); calls != 1 {
			t.Errorf("session %d closed %d times", i, calls)
		}
	}
	if isDone(other.s) || other.calls.Load() != 0 {
		t.Error("globex's ticked session was closed for acme")
	}
	if r.Len() != 1 {
		t.Errorf("%d sessions left, want gina's alone", r.Len())
	}
}

func TestDisconnectIDsNothingToDo(t *testing.T) {
	r := testRegistry(time.Now())
	if got := r.DisconnectIDs(nil, AllSessions(), "alice", ""); len(got) != 0 {
		t.Errorf("no IDs closed %v", got)
	}
	if got := r.DisconnectIDs([]string{"NOSUCHSESSIONAAAAAAAAAAAAA"}, AllSessions(), "alice", ""); len(got) != 0 {
		t.Errorf("an unknown ID closed %v", got)
	}
}
