package session

import (
	"cmp"
	"slices"
	"testing"
	"time"
)

func TestOverdue(t *testing.T) {
	r := testRegistry(t0)
	const login, idle = 30 * time.Second, 10 * time.Minute

	fresh := addConn(r, "192.0.2.1", 1001, at(-29*time.Second))
	silent := addConn(r, "192.0.2.2", 1002, at(-30*time.Second))
	busyLogin := addLoggedIn(r, "web1", "acme", at(-time.Hour))
	busyLogin.s.Touch(at(-9 * time.Minute))
	idleLogin := addLoggedIn(r, "web2", "acme", at(-time.Hour))
	idleLogin.s.Touch(at(-10 * time.Minute))
	own := addLoggedIn(r, "web3", "acme", at(-time.Hour))
	own.s.SetIdleTimeout(time.Minute)
	own.s.Touch(at(-time.Minute))
	stalled := addLoggedIn(r, "web4", "acme", at(-time.Hour))
	stalled.s.StartTransfer(StateDownloading, "/big.bin", 100, at(-time.Hour))
	// Being disconnected: closed, its end held back until the check is done.
	release := make(chan struct{})
	leaving := addLoggedIn(r, "web5", "acme", at(-time.Hour), func(c *fakeConn) { c.release = release })
	disconnected := make(chan error)
	go func() {
		_, err := r.Disconnect(leaving.s.ID(), AllSessions(), "admin", "")
		disconnected <- err
	}()
	<-leaving.closed
	defer func() {
		close(release)
		if err := <-disconnected; err != nil {
			t.Errorf("Disconnect: %v", err)
		}
	}()

	got := r.Overdue(t0, login, idle)
	byLimit := func(a, b Overdue) int { return cmp.Compare(a.Limit, b.Limit) }
	slices.SortFunc(got, byLimit)
	want := []Overdue{
		{ID: silent.s.ID(), Limit: login},
		{ID: own.s.ID(), LoggedIn: true, Limit: time.Minute},
		{ID: idleLogin.s.ID(), LoggedIn: true, Limit: idle},
	}
	if !slices.Equal(got, want) {
		t.Errorf("Overdue = %+v\nwant %+v (not %s, %s, %s or %s)", got, want,
			fresh.s.ID(), busyLogin.s.ID(), stalled.s.ID(), leaving.s.ID())
	}

	if got := r.Overdue(t0, 0, idle); len(got) != 2 {
		t.Errorf("with no login timeout: %d overdue, want the 2 idle sessions", len(got))
	}
}

func TestOverdueAllocatesOnlyForWhatItFinds(t *testing.T) {
	r := testRegistry(t0)
	for i := range 1000 {
		addLoggedIn(r, "web", "acme", at(time.Duration(i)*time.Millisecond))
	}
	if n := testing.AllocsPerRun(10, func() { r.Overdue(t0, time.Minute, time.Hour) }); n != 0 {
		t.Errorf("Overdue of 1000 sessions, none overdue: %v allocations, want 0", n)
	}
	if n := testing.AllocsPerRun(10, r.Sample); n > 1 {
		t.Errorf("Sample of 1000 sessions: %v allocations, want at most 1 (the traffic point)", n)
	}
}
