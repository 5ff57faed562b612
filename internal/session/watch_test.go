package session

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

func TestWatchNotifiesOnChanges(t *testing.T) {
	r := testRegistry(t0)
	w, cancel := r.Watch()
	defer cancel()
	if cap(w) != 1 {
		t.Errorf("watch channel capacity = %d, want 1", cap(w))
	}
	if pending(w) {
		t.Fatal("notified before anything happened")
	}

	c := addConn(r, "192.0.2.1", 1, t0)
	if !pending(w) {
		t.Error("Add did not notify")
	}
	s := c.s

	steps := []struct {
		name   string
		do     func()
		notify bool
	}{
		{"LoggedIn", func() { s.LoggedIn("web1", "acme", "", false, at(1*time.Second)) }, true},
		{"Touch", func() { s.Touch(at(2 * time.Second)) }, false},
		{"EndListing while idle", func() { s.EndListing(at(2 * time.Second)) }, false},
		{"StartTransfer upload", func() { s.StartTransfer(StateUploading, "/a", 10, at(3*time.Second)) }, true},
		{"AddUp", func() { s.AddUp(10, at(4*time.Second)) }, false},
		{"AddDown", func() { s.AddDown(10, at(4*time.Second)) }, false},
		{"EndListing during upload", func() { s.EndListing(at(4 * time.Second)) }, false},
		{"EndTransfer", func() { s.EndTransfer(at(5*time.Second), true) }, true},
		{"StartTransfer download", func() { s.StartTransfer(StateDownloading, "/b", -1, at(6*time.Second)) }, true},
		{"EndTransfer incomplete", func() { s.EndTransfer(at(7*time.Second), false) }, true},
		{"StartTransfer listing", func() { s.StartTransfer(StateListing, "/", -1, at(8*time.Second)) }, true},
		{"AddDown during listing", func() { s.AddDown(500, at(8*time.Second)) }, false},
		{"EndListing during listing", func() { s.EndListing(at(9 * time.Second)) }, true},
		{"EndListing again", func() { s.EndListing(at(9 * time.Second)) }, false},
		{"Remove", func() { r.Remove(s) }, true},
	}
	for _, st := range steps {
		st.do()
		if got := pending(w); got != st.notify {
			t.Errorf("%s: notified = %v, want %v", st.name, got, st.notify)
		}
	}
}

func TestWatchNotifiesWhenDisconnectStarts(t *testing.T) {
	r := testRegistry(t0)
	release := make(chan struct{})
	c := addLoggedIn(r, "web1", "acme", t0, holdRemove(release))
	w, cancel := r.Watch()
	defer cancel()

	res := goDisconnect(r, c.s.ID(), AllSessions())
	waitClosed(t, c)
	// The session is closing but the FTP side has not removed it yet.
	if !pending(w) {
		t.Error("no notification when the disconnect started")
	}
	if pending(w) {
		t.Error("a second notification is pending before the session was removed")
	}
	close(release)
	if got := recvResult(t, res); got.err != nil {
		t.Fatalf("Disconnect: %v", got.err)
	}
	if !pending(w) {
		t.Error("no notification when the disconnected session was removed")
	}
}

func TestWatchNotifiesOnShutdownAndDisconnectMatching(t *testing.T) {
	t.Run("DisconnectMatching", func(t *testing.T) {
		r := testRegistry(t0)
		c := addLoggedIn(r, "web1", "acme", t0, neverRemove())
		r.EndWait = 0 // the FTP side never confirms; do not wait for it
		w, cancel := r.Watch()
		defer cancel()
		if got := r.DisconnectMatching(AllSessions(), Filter{}, "admin", ""); len(got) != 1 {
			t.Fatalf("DisconnectMatching closed %d sessions, want 1", len(got))
		}
		if c.calls.Load() != 1 {
			t.Fatalf("close func called %d times, want 1", c.calls.Load())
		}
		if !pending(w) {
			t.Error("DisconnectMatching did not notify")
		}
	})
	t.Run("Shutdown", func(t *testing.T) {
		r := testRegistry(t0)
		c := addLoggedIn(r, "web1", "acme", t0, neverRemove())
		w, cancel := r.Watch()
		defer cancel()
		ctx, stop := context.WithCancel(context.Background())
		stop()
		if err := r.Shutdown(ctx); !errors.Is(err, context.Canceled) {
			t.Fatalf("Shutdown err = %v, want context.Canceled", err)
		}
		if c.calls.Load() != 1 {
			t.Fatalf("close func called %d times, want 1", c.calls.Load())
		}
		if !pending(w) {
			t.Error("Shutdown did not notify when it started closing")
		}
	})
}

func TestWatchFailedOperationsDoNotNotify(t *testing.T) {
	r := testRegistry(t0)
	c := addLoggedIn(r, "web1", "acme", t0)
	w, cancel := r.Watch()
	defer cancel()

	if _, err := r.Disconnect(NewID(), AllSessions(), "admin", ""); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Disconnect unknown: err = %v, want ErrNotFound", err)
	}
	if pending(w) {
		t.Error("Disconnect of an unknown session notified")
	}
	if _, err := r.Disconnect(c.s.ID(), CustomerSessions("other"), "admin", ""); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Disconnect out of scope: err = %v, want ErrNotFound", err)
	}
	if pending(w) {
		t.Error("Disconnect of a session outside scope notified")
	}
	if got := r.DisconnectMatching(AllSessions(), Filter{Login: "nobody"}, "admin", ""); len(got) != 0 {
		t.Fatalf("DisconnectMatching = %v, want none", ids(got))
	}
	if pending(w) {
		t.Error("DisconnectMatching that matched nothing notified")
	}
	if c.calls.Load() != 0 {
		t.Errorf("close func called %d times, want 0", c.calls.Load())
	}
}

func TestWatchCoalesces(t *testing.T) {
	r := testRegistry(t0)
	w, cancel := r.Watch()
	defer cancel()

	// Nobody reads while many changes happen: the notifier must never block.
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < 100; i++ {
			c := addLoggedIn(r, "web1", "acme", t0)
			c.s.StartTransfer(StateUploading, "/f", -1, t0)
			c.s.EndTransfer(t0, true)
		}
	}()
	select {
	case <-done:
	case <-time.After(longWait):
		t.Fatal("notifying blocked on a watcher that does not read")
	}
	if !pending(w) {
		t.Fatal("no notification after 400 changes")
	}
	if pending(w) {
		t.Error("a burst of changes left more than one notification")
	}
	// Once consumed, the next change notifies again.
	addConn(r, "192.0.2.9", 9, t0)
	if !pending(w) {
		t.Error("no notification for a change after the burst was consumed")
	}
}

func TestWatchManyWatchers(t *testing.T) {
	r := testRegistry(t0)
	const n = 5
	chans := make([]<-chan struct{}, n)
	cancels := make([]func(), n)
	for i := range chans {
		chans[i], cancels[i] = r.Watch()
	}
	defer func() {
		for _, c := range cancels {
			c()
		}
	}()

	c := addConn(r, "192.0.2.1", 1, t0)
	for i, w := range chans {
		if !pending(w) {
			t.Errorf("watcher %d not notified of Add", i)
		}
	}

	// A cancelled watcher hears nothing more; the others still do.
	cancels[2]()
	c.s.LoggedIn("web1", "acme", "", false, t0)
	for i, w := range chans {
		if got, want := pending(w), i != 2; got != want {
			t.Errorf("watcher %d after cancelling watcher 2: notified = %v, want %v", i, got, want)
		}
	}
	cancels[2]() // cancelling twice is harmless
	r.Remove(c.s)
	for i, w := range chans {
		if got, want := pending(w), i != 2; got != want {
			t.Errorf("watcher %d after Remove: notified = %v, want %v", i, got, want)
		}
	}

	// A watcher added later hears later changes only.
	late, cancelLate := r.Watch()
	defer cancelLate()
	if pending(late) {
		t.Error("new watcher notified of earlier changes")
	}
	addConn(r, "192.0.2.2", 2, t0)
	if !pending(late) {
		t.Error("new watcher not notified of Add")
	}
}

func TestWatchCancelStopsSendsWhileNotifying(t *testing.T) {
	// Cancel while another goroutine notifies without pause: once cancel has
	// returned and the channel is drained, nothing more arrives.
	r := testRegistry(t0)
	c := addLoggedIn(r, "web1", "acme", t0)
	more := make(chan int)
	finished := make(chan struct{})
	stop := make(chan struct{})
	go func() {
		defer close(finished)
		for {
			select {
			case <-stop:
				return
			case n := <-more:
				for i := 0; i < n; i++ {
					c.s.LoggedIn("web1", "acme", "", false, t0)
				}
				finished <- struct{}{}
			default:
				c.s.LoggedIn("web1", "acme", "", false, t0)
			}
		}
	}()

	for i := 0; i < 50; i++ {
		w, cancel := r.Watch()
		cancel()
		pending(w) // drain what was sent before cancel returned
		// Let the notifier run many more changes and wait until it has.
		more <- 100
		<-finished
		if pending(w) {
			t.Fatalf("round %d: notified after cancel returned", i)
		}
	}
	close(stop)
	<-finished
}

func TestWatchConcurrent(t *testing.T) {
	// Watch, cancel, notify and read all at once; run with -race.
	r := testRegistry(t0)
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				w, cancel := r.Watch()
				pending(w)
				cancel()
			}
		}()
		go func() {
			defer wg.Done()
			for i := 0; i < 100; i++ {
				c := addLoggedIn(r, "web1", "acme", t0)
				c.s.StartTransfer(StateDownloading, "/f", -1, t0)
				c.s.AddDown(1, t0)
				c.s.EndTransfer(t0, true)
				r.Remove(c.s)
			}
		}()
	}
	wg.Wait()
	if r.Len() != 0 {
		t.Errorf("Len() = %d, want 0", r.Len())
	}
	// The registry still notifies the watchers it has afterwards.
	w, cancel := r.Watch()
	defer cancel()
	addConn(r, "192.0.2.1", 1, t0)
	if !pending(w) {
		t.Error("no notification after concurrent use")
	}
}
