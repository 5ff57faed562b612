package session

import (
	"slices"
	"sync"
	"testing"
	"time"
)

func TestDisconnectMatching(t *testing.T) {
	r := testRegistry(at(time.Minute))
	log := withEndLog(r)
	anon := addConn(r, "198.51.100.4", 4000, t0)
	web1 := addLoggedIn(r, "web1", "acme", at(1*time.Second))
	web2 := addLoggedIn(r, "web2", "acme", at(2*time.Second))
	backup := addLoggedIn(r, "backup", "acme", at(3*time.Second))
	otherWeb := addLoggedIn(r, "web1", "other", at(4*time.Second))
	// web3 is already being disconnected by someone else; its FTP side is slow.
	release := make(chan struct{})
	web3 := addLoggedIn(r, "web3", "acme", at(5*time.Second), holdRemove(release))
	res := goDisconnect(r, web3.s.ID(), AllSessions())
	waitClosed(t, web3)

	// web1 is uploading; closing aborts the upload, as the FTP side would.
	web1.s.StartTransfer(StateUploading, "/up.bin", -1, at(10*time.Second))
	web1.s.AddUp(5000, at(20*time.Second))
	web1.onClose = func() { web1.s.EndTransfer(at(61*time.Second), false) }

	type result struct{ snaps []Snapshot }
	done := make(chan result, 1)
	go func() {
		done <- result{r.DisconnectMatching(CustomerSessions("acme"), Filter{Login: "web"}, "bob", "")}
	}()
	var got []Snapshot
	select {
	case res := <-done:
		got = res.snaps
	case <-time.After(longWait):
		t.Fatal("DisconnectMatching did not return")
	}

	if want := idsOf(web1, web2); !slices.Equal(sortedIDs(got), want) {
		t.Fatalf("DisconnectMatching closed %v, want %v", sortedIDs(got), want)
	}
	// The snapshots are from just before the close.
	for _, snap := range got {
		if snap.ID != web1.s.ID() {
			continue
		}
		if snap.State != StateUploading || snap.File != "/up.bin" || snap.BytesUp != 5000 || snap.TransferBytes != 5000 {
			t.Errorf("web1 snapshot = %q %q %d/%d, want uploading /up.bin 5000/5000", snap.State, snap.File, snap.BytesUp, snap.TransferBytes)
		}
		if snap.TransferRate != 100 { // 5000 bytes in 50s on the registry clock
			t.Errorf("web1 snapshot TransferRate = %v, want 100", snap.TransferRate)
		}
		if snap.Login != "web1" || snap.Customer != "acme" || !snap.Now.Equal(at(time.Minute)) {
			t.Errorf("web1 snapshot = %q %q at %v", snap.Login, snap.Customer, snap.Now)
		}
	}
	// Those closed have ended, each closed once, each ended with the reason.
	for _, c := range []*fakeConn{web1, web2} {
		if n := c.calls.Load(); n != 1 {
			t.Errorf("%s: close func called %d times, want 1", c.s.ID(), n)
		}
		if !isDone(c.s) {
			t.Errorf("%s: DisconnectMatching returned before it ended", c.s.ID())
		}
		if end := log.one(t, c.s.ID()); end.EndReason.String() != "disconnected by bob" {
			t.Errorf("%s: EndReason = %q, want %q", c.s.ID(), end.EndReason, "disconnected by bob")
		}
	}
	if end := log.one(t, web1.s.ID()); end.State != StateIdle || end.FilesUp != 0 {
		t.Errorf("web1 ended %q with %d files up, want idle and 0 (upload broke off)", end.State, end.FilesUp)
	}
	// Those not matching, outside scope or already closing were left alone.
	for _, c := range []*fakeConn{anon, backup, otherWeb} {
		if n := c.calls.Load(); n != 0 || isDone(c.s) {
			t.Errorf("%s: close calls %d done %v, want 0 false", c.s.ID(), n, isDone(c.s))
		}
	}
	if n := web3.calls.Load(); n != 1 {
		t.Errorf("web3: close func called %d times, want 1", n)
	}
	if got := ids(r.List(AllSessions(), Filter{})); !slices.Equal(got, []string{anon.s.ID(), backup.s.ID(), otherWeb.s.ID()}) {
		t.Errorf("List after = %v, want [%s %s %s]", got, anon.s.ID(), backup.s.ID(), otherWeb.s.ID())
	}

	close(release)
	if got := recvResult(t, res); got.err != nil {
		t.Fatalf("web3 Disconnect: %v", got.err)
	}
	if got := log.one(t, web3.s.ID()).EndReason.String(); got != "disconnected by admin" {
		t.Errorf("web3: EndReason = %q, want %q", got, "disconnected by admin")
	}
	if r.Len() != 3 {
		t.Errorf("Len() = %d, want 3", r.Len())
	}
	if got := len(log.all()); got != 3 {
		t.Errorf("OnEnd called %d times, want 3", got)
	}
}

func TestDisconnectMatchingScopes(t *testing.T) {
	type setup struct {
		r                          *Registry
		anon, a1, a2, o1, o2Upload *fakeConn
	}
	newSetup := func() setup {
		r := testRegistry(at(time.Minute))
		s := setup{
			r:    r,
			anon: addConn(r, "198.51.100.4", 4000, t0),
			a1:   addLoggedIn(r, "web1", "acme", t0),
			a2:   addLoggedIn(r, "web2", "acme", t0),
			o1:   addLoggedIn(r, "web1", "other", t0),
		}
		s.o2Upload = addLoggedIn(r, "up", "other", t0)
		s.o2Upload.s.StartTransfer(StateUploading, "/f", -1, t0)
		return s
	}
	tests := []struct {
		name   string
		scope  func() Scope
		filter Filter
		want   func(s setup) []*fakeConn
	}{
		{"acme, everything", func() Scope { return CustomerSessions("acme") }, Filter{},
			func(s setup) []*fakeConn { return []*fakeConn{s.a1, s.a2} }},
		{"acme, other's login", func() Scope { return CustomerSessions("acme") }, Filter{Login: "up"},
			func(s setup) []*fakeConn { return nil }},
		{"acme, other's customer", func() Scope { return CustomerSessions("acme") }, Filter{Customer: "other"},
			func(s setup) []*fakeConn { return nil }},
		{"empty customer reaches nothing", func() Scope { return CustomerSessions("") }, Filter{},
			func(s setup) []*fakeConn { return nil }},
		{"admin, login", AllSessions, Filter{Login: "web1"},
			func(s setup) []*fakeConn { return []*fakeConn{s.a1, s.o1} }},
		{"admin, not logged in", AllSessions, Filter{State: StateNotLoggedIn},
			func(s setup) []*fakeConn { return []*fakeConn{s.anon} }},
		{"admin, uploading", AllSessions, Filter{State: StateUploading},
			func(s setup) []*fakeConn { return []*fakeConn{s.o2Upload} }},
		{"admin, ip", AllSessions, Filter{IP: "192.0.2."},
			func(s setup) []*fakeConn { return []*fakeConn{s.a1, s.a2, s.o1, s.o2Upload} }},
		{"admin, everything", AllSessions, Filter{},
			func(s setup) []*fakeConn { return []*fakeConn{s.anon, s.a1, s.a2, s.o1, s.o2Upload} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSetup()
			log := withEndLog(s.r)
			got := s.r.DisconnectMatching(tt.scope(), tt.filter, "carol", "")
			want := tt.want(s)
			if !slices.Equal(sortedIDs(got), idsOf(want...)) {
				t.Fatalf("closed %v, want %v", sortedIDs(got), idsOf(want...))
			}
			if ended := log.all(); !slices.Equal(sortedIDs(ended), idsOf(want...)) {
				t.Errorf("ended %v, want %v", sortedIDs(ended), idsOf(want...))
			}
			for _, c := range []*fakeConn{s.anon, s.a1, s.a2, s.o1, s.o2Upload} {
				closed := slices.Contains(want, c)
				wantCalls := int32(0)
				if closed {
					wantCalls = 1
				}
				if n := c.calls.Load(); n != wantCalls {
					t.Errorf("%s: close func called %d times, want %d", c.s.ID(), n, wantCalls)
				}
				if isDone(c.s) != closed {
					t.Errorf("%s: done = %v, want %v", c.s.ID(), isDone(c.s), closed)
				}
				if closed {
					if end := log.one(t, c.s.ID()); end.EndReason.String() != "disconnected by carol" {
						t.Errorf("%s: EndReason = %q, want %q", c.s.ID(), end.EndReason, "disconnected by carol")
					}
				}
			}
			if got, want := s.r.Len(), 5-len(want); got != want {
				t.Errorf("Len() = %d, want %d", got, want)
			}
		})
	}
}

func TestDisconnectMatchingTwice(t *testing.T) {
	// A second call finds nothing left to close and closes nothing twice.
	r := testRegistry(t0)
	a := addLoggedIn(r, "web1", "acme", t0)
	b := addLoggedIn(r, "web2", "acme", t0)
	if got := r.DisconnectMatching(AllSessions(), Filter{}, "admin", ""); len(got) != 2 {
		t.Fatalf("first call closed %d, want 2", len(got))
	}
	if got := r.DisconnectMatching(AllSessions(), Filter{}, "admin", ""); len(got) != 0 {
		t.Errorf("second call closed %v, want none", ids(got))
	}
	if a.calls.Load() != 1 || b.calls.Load() != 1 {
		t.Errorf("close calls = %d, %d; want 1, 1", a.calls.Load(), b.calls.Load())
	}
	if r.Len() != 0 {
		t.Errorf("Len() = %d, want 0", r.Len())
	}
}

func TestDisconnectMatchingConcurrent(t *testing.T) {
	// Racing bulk disconnects close each session exactly once between them.
	r := testRegistry(t0)
	log := withEndLog(r)
	const n, racers = 30, 4
	conns := make([]*fakeConn, n)
	for i := range conns {
		conns[i] = addLoggedIn(r, "web", "acme", at(time.Duration(i)*time.Second))
	}
	results := make([][]Snapshot, racers)
	var wg sync.WaitGroup
	for g := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[g] = r.DisconnectMatching(CustomerSessions("acme"), Filter{}, "admin", "")
		}()
	}
	wg.Wait()
	var all []Snapshot
	for _, res := range results {
		all = append(all, res...)
	}
	if !slices.Equal(sortedIDs(all), idsOf(conns...)) {
		t.Errorf("closed %d sessions between them, want each of %d once", len(all), n)
	}
	for i, c := range conns {
		if c.calls.Load() != 1 {
			t.Errorf("session %d: close func called %d times, want 1", i, c.calls.Load())
		}
	}
	// Every session has been removed by the time all racers returned, even one
	// whose racer lost: whoever closed it waited for it.
	if r.Len() != 0 {
		t.Errorf("Len() = %d, want 0", r.Len())
	}
	if got := len(log.all()); got != n {
		t.Errorf("OnEnd called %d times, want %d", got, n)
	}
}
