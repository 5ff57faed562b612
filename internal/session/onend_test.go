package session

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"
)

func TestDisconnectEndReason(t *testing.T) {
	r, clk := clockRegistry(at(30 * time.Second))
	log := withEndLog(r)
	c := addLoggedIn(r, "web1", "acme", t0)
	// The FTP side sees the closed connection and, as it goes, says quit: the
	// disconnect's reason was given first and wins.
	c.onClose = func() {
		clk.Set(at(31 * time.Second))
		c.s.EndedBy(EndQuit)
	}

	snap, err := r.Disconnect(c.s.ID(), CustomerSessions("acme"), "alice", "")
	if err != nil {
		t.Fatalf("Disconnect: %v", err)
	}
	if snap.ID != c.s.ID() || !snap.Now.Equal(at(30*time.Second)) {
		t.Errorf("Disconnect snapshot = %s at %v, want %s at %v", snap.ID, snap.Now, c.s.ID(), at(30*time.Second))
	}
	end := log.one(t, c.s.ID())
	if end.EndReason.String() != "disconnected by alice" {
		t.Errorf("EndReason = %q, want %q", end.EndReason, "disconnected by alice")
	}
	if !end.Now.Equal(at(31 * time.Second)) {
		t.Errorf("ended Now = %v, want %v", end.Now, at(31*time.Second))
	}
	if len(log.all()) != 1 {
		t.Errorf("OnEnd called %d times, want 1", len(log.all()))
	}
}

func TestDisconnectEndWaitExpiresCallsOnEndOnce(t *testing.T) {
	r := testRegistry(at(10 * time.Second))
	r.EndWait = 0
	log := withEndLog(r)
	c := addLoggedIn(r, "web1", "acme", t0, neverRemove())

	if _, err := r.Disconnect(c.s.ID(), AllSessions(), "root", ""); err != nil {
		t.Fatalf("Disconnect: %v", err)
	}
	if r.Len() != 0 || !isDone(c.s) {
		t.Fatalf("Len() = %d done = %v, want 0 true", r.Len(), isDone(c.s))
	}
	end := log.one(t, c.s.ID())
	if end.EndReason.String() != "disconnected by root" {
		t.Errorf("EndReason = %q, want %q", end.EndReason, "disconnected by root")
	}
	// The FTP side confirms late: the session is already gone, so no second end.
	r.Remove(c.s)
	if got := len(log.byID(c.s.ID())); got != 1 {
		t.Errorf("OnEnd called %d times after the late Remove, want 1", got)
	}
}

func TestOnEndFinalSnapshot(t *testing.T) {
	r, clk := clockRegistry(t0)
	log := withEndLog(r)
	c := addConn(r, "203.0.113.5", 50123, t0)
	s := c.s
	s.LoggedIn("web1", "acme", "FileZilla", true, at(1*time.Second))

	// Two uploads and one download arrive whole.
	s.StartTransfer(StateUploading, "/a", 100, at(2*time.Second))
	s.AddUp(100, at(3*time.Second))
	s.EndTransfer(at(3*time.Second), true)
	s.StartTransfer(StateUploading, "/b", -1, at(4*time.Second))
	s.AddUp(50, at(5*time.Second))
	s.EndTransfer(at(5*time.Second), true)
	s.StartTransfer(StateDownloading, "/c", 400, at(6*time.Second))
	s.AddDown(400, at(7*time.Second))
	s.EndTransfer(at(7*time.Second), true)
	// One of each breaks off.
	s.StartTransfer(StateUploading, "/d", -1, at(8*time.Second))
	s.AddUp(10, at(9*time.Second))
	s.EndTransfer(at(9*time.Second), false)
	s.StartTransfer(StateDownloading, "/e", 999, at(10*time.Second))
	s.AddDown(20, at(11*time.Second))
	s.EndTransfer(at(11*time.Second), false)
	// Listings are not files, however they end.
	s.StartTransfer(StateListing, "/", -1, at(12*time.Second))
	s.AddDown(300, at(13*time.Second))
	s.EndTransfer(at(13*time.Second), true)
	s.StartTransfer(StateListing, "/www", -1, at(14*time.Second))
	s.EndListing(at(15 * time.Second))
	// Ending with no transfer under way counts nothing either.
	s.EndTransfer(at(16*time.Second), true)

	live := s.Snapshot(at(16 * time.Second))
	if live.FilesUp != 2 || live.FilesDown != 1 {
		t.Errorf("live files up/down = %d/%d, want 2/1", live.FilesUp, live.FilesDown)
	}
	if len(log.all()) != 0 {
		t.Fatalf("OnEnd called %d times before Remove", len(log.all()))
	}

	s.EndedBy(EndQuit)
	clk.Set(at(90 * time.Second))
	r.Remove(s)

	end := log.one(t, s.ID())
	if end.FilesUp != 2 || end.FilesDown != 1 {
		t.Errorf("files up/down = %d/%d, want 2/1", end.FilesUp, end.FilesDown)
	}
	if end.EndReason.Kind != EndQuit {
		t.Errorf("EndReason = %q, want %q", end.EndReason, EndQuit)
	}
	if !end.Now.Equal(at(90 * time.Second)) {
		t.Errorf("Now = %v, want registry clock %v", end.Now, at(90*time.Second))
	}
	if end.ConnectedFor() != 90*time.Second {
		t.Errorf("ConnectedFor() = %v, want 90s", end.ConnectedFor())
	}
	if end.Login != "web1" || end.Customer != "acme" || end.Client != "FileZilla" || !end.TLS {
		t.Errorf("identity = %q %q %q tls=%v, want web1 acme FileZilla true", end.Login, end.Customer, end.Client, end.TLS)
	}
	if end.RemoteIP != "203.0.113.5" || end.RemotePort != 50123 {
		t.Errorf("remote = %s:%d, want 203.0.113.5:50123", end.RemoteIP, end.RemotePort)
	}
	if end.BytesUp != 160 || end.BytesDown != 720 {
		t.Errorf("bytes up/down = %d/%d, want 160/720", end.BytesUp, end.BytesDown)
	}
	if end.State != StateIdle || end.File != "" {
		t.Errorf("state = %q file %q, want idle and no file", end.State, end.File)
	}
	if !end.LastActivity.Equal(at(16 * time.Second)) {
		t.Errorf("LastActivity = %v, want %v", end.LastActivity, at(16*time.Second))
	}
	if !isDone(s) {
		t.Error("session not ended")
	}

	// Removing it again does not end it again.
	r.Remove(s)
	if got := len(log.all()); got != 1 {
		t.Errorf("OnEnd called %d times after a second Remove, want 1", got)
	}
}

func TestOnEndReasons(t *testing.T) {
	r := testRegistry(at(time.Minute))
	log := withEndLog(r)

	dropped := addLoggedIn(r, "web1", "acme", t0)
	r.Remove(dropped.s)
	if got := log.one(t, dropped.s.ID()).EndReason.Kind; got != EndClientDropped {
		t.Errorf("nothing said: EndReason = %q, want %q", got, EndClientDropped)
	}

	anon := addConn(r, "192.0.2.1", 1, t0)
	r.Remove(anon.s)
	if got := log.one(t, anon.s.ID()); got.EndReason.Kind != EndClientDropped || got.Login != "" {
		t.Errorf("not logged in: EndReason = %q login %q, want %q and none", got.EndReason, got.Login, EndClientDropped)
	}

	for _, reason := range []EndKind{EndQuit, EndIdleTimeout, EndLoginFailed} {
		c := addConn(r, "192.0.2.1", 1, t0)
		c.s.EndedBy(reason)
		r.Remove(c.s)
		if got := log.one(t, c.s.ID()).EndReason.Kind; got != reason {
			t.Errorf("EndedBy(%q): EndReason = %q", reason, got)
		}
	}

	// The first reason given wins.
	first := addLoggedIn(r, "web2", "acme", t0)
	first.s.EndedBy(EndIdleTimeout)
	first.s.EndedBy(EndQuit)
	r.Remove(first.s)
	if got := log.one(t, first.s.ID()).EndReason.Kind; got != EndIdleTimeout {
		t.Errorf("idle timeout then quit: EndReason = %q, want %q", got, EndIdleTimeout)
	}

	if got := len(log.all()); got != 6 {
		t.Errorf("OnEnd called %d times, want 6", got)
	}
}

func TestOnEndNotCalledForUnknownSessions(t *testing.T) {
	r := testRegistry(t0)
	log := withEndLog(r)
	live := addLoggedIn(r, "web1", "acme", t0)

	stranger := New("192.0.2.3", 3, t0, func() {})
	r.Remove(stranger)
	impostor := New("192.0.2.4", 4, t0, func() {})
	impostor.id = live.s.ID()
	r.Remove(impostor)

	if got := log.all(); len(got) != 0 {
		t.Errorf("OnEnd called for sessions that were not registered: %v", ids(got))
	}
	if r.Len() != 1 || isDone(live.s) {
		t.Errorf("Len() = %d, live done = %v; want 1 false", r.Len(), isDone(live.s))
	}
}

func TestOnEndOnceUnderConcurrentRemove(t *testing.T) {
	r := testRegistry(t0)
	log := withEndLog(r)
	const sessions, removers = 20, 8
	conns := make([]*fakeConn, sessions)
	for i := range conns {
		conns[i] = addConn(r, "192.0.2.1", 1000+i, t0)
	}
	var wg sync.WaitGroup
	for g := 0; g < removers; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, c := range conns {
				r.Remove(c.s)
			}
		}()
	}
	wg.Wait()
	got := log.all()
	if len(got) != sessions {
		t.Fatalf("OnEnd called %d times, want %d", len(got), sessions)
	}
	if !slices.Equal(sortedIDs(got), idsOf(conns...)) {
		t.Errorf("OnEnd IDs = %v, want %v", sortedIDs(got), idsOf(conns...))
	}
}

func TestShutdownEndReason(t *testing.T) {
	r := testRegistry(at(time.Hour))
	log := withEndLog(r)
	release := make(chan struct{})
	busy := addLoggedIn(r, "web1", "acme", t0, holdRemove(release))
	res := goDisconnect(r, busy.s.ID(), AllSessions())
	waitClosed(t, busy)

	conns := []*fakeConn{
		addConn(r, "192.0.2.1", 1, t0),
		addLoggedIn(r, "web2", "acme", t0),
		addLoggedIn(r, "ftp", "other", t0),
	}
	// The FTP side says quit as the connection goes: shutdown was said first.
	conns[2].onClose = func() { conns[2].s.EndedBy(EndQuit) }

	done := make(chan error, 1)
	go func() { done <- r.Shutdown(context.Background()) }()
	for _, c := range conns {
		waitClosed(t, c)
	}
	close(release)
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Shutdown: %v", err)
		}
	case <-time.After(longWait):
		t.Fatal("Shutdown did not return")
	}
	if got := recvResult(t, res); got.err != nil {
		t.Fatalf("Disconnect: %v", got.err)
	}

	for i, c := range conns {
		end := log.one(t, c.s.ID())
		if end.EndReason.Kind != EndServerShutdown {
			t.Errorf("session %d: EndReason = %q, want %q", i, end.EndReason, EndServerShutdown)
		}
		if !end.Now.Equal(at(time.Hour)) {
			t.Errorf("session %d: Now = %v, want %v", i, end.Now, at(time.Hour))
		}
	}
	// Already being disconnected when the shutdown came: its reason stays.
	if got := log.one(t, busy.s.ID()).EndReason.String(); got != "disconnected by admin" {
		t.Errorf("busy session: EndReason = %q, want %q", got, "disconnected by admin")
	}
	if got := len(log.all()); got != 4 {
		t.Errorf("OnEnd called %d times, want 4", got)
	}
}

// OnLogin hears of each login once, with the session's login and customer;
// a session that never logs in is not told of.
func TestOnLoginHearsEachLogin(t *testing.T) {
	r := testRegistry(at(time.Second))
	var got []Snapshot
	r.OnLogin = func(s Snapshot) { got = append(got, s) } // LoggedIn runs here, on this goroutine
	addConn(r, "192.0.2.2", 2000, t0)
	c := addLoggedIn(r, "web1", "acme", t0)
	if len(got) != 1 || got[0].ID != c.s.ID() || got[0].Login != "web1" || got[0].Customer != "acme" || got[0].LoggedInAt.IsZero() {
		t.Fatalf("OnLogin got %+v, want web1 of acme once", got)
	}
	if r.Totals().Logins != 1 {
		t.Errorf("Totals().Logins = %d, want 1", r.Totals().Logins)
	}
}
