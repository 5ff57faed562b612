package session

import (
	"context"
	"errors"
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

// --- filter.go ---

func TestFilterMatch(t *testing.T) {
	bob := Snapshot{Login: "bob", Customer: "acme", RemoteIP: "192.0.2.17", State: StateUploading}
	anon := Snapshot{RemoteIP: "198.51.100.4", State: StateNotLoggedIn}

	tests := []struct {
		name   string
		filter Filter
		snap   Snapshot
		want   bool
	}{
		{"empty matches logged in", Filter{}, bob, true},
		{"empty matches not logged in", Filter{}, anon, true},
		{"login exact", Filter{Login: "bob"}, bob, true},
		{"login prefix", Filter{Login: "bo"}, bob, true},
		{"login middle", Filter{Login: "o"}, bob, true},
		{"login suffix", Filter{Login: "ob"}, bob, true},
		{"login other", Filter{Login: "alice"}, bob, false},
		{"login longer than value", Filter{Login: "bobby"}, bob, false},
		{"login against not logged in", Filter{Login: "b"}, anon, false},
		{"exact login", Filter{ExactLogin: "bob"}, bob, true},
		{"exact login is not a substring match", Filter{ExactLogin: "bo"}, bob, false},
		{"exact login longer than value", Filter{ExactLogin: "bobby"}, bob, false},
		{"exact login against not logged in", Filter{ExactLogin: "bob"}, anon, false},
		{"customer substring", Filter{Customer: "cm"}, bob, true},
		{"customer exact", Filter{Customer: "acme"}, bob, true},
		{"customer other", Filter{Customer: "other"}, bob, false},
		{"customer against not logged in", Filter{Customer: "a"}, anon, false},
		{"ip prefix", Filter{IP: "192.0.2."}, bob, true},
		{"ip suffix", Filter{IP: ".17"}, bob, true},
		{"ip exact", Filter{IP: "192.0.2.17"}, bob, true},
		{"ip other", Filter{IP: "198.51"}, bob, false},
		{"ip of not logged in", Filter{IP: "198.51"}, anon, true},
		{"state exact", Filter{State: StateUploading}, bob, true},
		{"state other", Filter{State: StateIdle}, bob, false},
		{"state is not a substring match", Filter{State: "upload"}, bob, false},
		{"state not logged in", Filter{State: StateNotLoggedIn}, anon, true},
		{"all fields match", Filter{Login: "bo", Customer: "ac", IP: "192", State: StateUploading}, bob, true},
		{"all but login", Filter{Login: "x", Customer: "ac", IP: "192", State: StateUploading}, bob, false},
		{"all but customer", Filter{Login: "bo", Customer: "x", IP: "192", State: StateUploading}, bob, false},
		{"all but ip", Filter{Login: "bo", Customer: "ac", IP: "10.", State: StateUploading}, bob, false},
		{"all but state", Filter{Login: "bo", Customer: "ac", IP: "192", State: StateListing}, bob, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.filter.Match(tt.snap); got != tt.want {
				t.Errorf("%+v.Match(%+v) = %v, want %v", tt.filter, tt.snap, got, tt.want)
			}
		})
	}
}

func TestValidState(t *testing.T) {
	for _, st := range []State{StateNotLoggedIn, StateIdle, StateUploading, StateDownloading, StateListing} {
		if !ValidState(st) {
			t.Errorf("ValidState(%q) = false, want true", st)
		}
	}
	for _, st := range []State{"", "Idle", "IDLE", "idle ", "upload", "busy", "not-logged-in", "disconnected"} {
		if ValidState(st) {
			t.Errorf("ValidState(%q) = true, want false", st)
		}
	}
}

func TestListFilter(t *testing.T) {
	r := testRegistry(at(time.Minute))
	anon := addConn(r, "198.51.100.4", 4000, t0)
	web1 := addLoggedIn(r, "web1", "acme", at(1*time.Second))
	web2 := addLoggedIn(r, "web2", "acme", at(2*time.Second))
	backup := addLoggedIn(r, "backup", "acme", at(3*time.Second))
	otherWeb := addLoggedIn(r, "web1", "other", at(4*time.Second))
	web2.s.StartTransfer(StateUploading, "/up.bin", -1, at(5*time.Second))
	otherWeb.s.StartTransfer(StateUploading, "/x.bin", -1, at(5*time.Second))

	tests := []struct {
		name   string
		scope  Scope
		filter Filter
		want   []*fakeConn // in List order
	}{
		{"admin, no filter", AllSessions(), Filter{}, []*fakeConn{anon, web1, web2, backup, otherWeb}},
		{"admin, login web", AllSessions(), Filter{Login: "web"}, []*fakeConn{web1, web2, otherWeb}},
		{"admin, login web1", AllSessions(), Filter{Login: "web1"}, []*fakeConn{web1, otherWeb}},
		{"admin, customer", AllSessions(), Filter{Customer: "oth"}, []*fakeConn{otherWeb}},
		{"admin, ip", AllSessions(), Filter{IP: "198.51."}, []*fakeConn{anon}},
		{"admin, not logged in", AllSessions(), Filter{State: StateNotLoggedIn}, []*fakeConn{anon}},
		{"admin, uploading", AllSessions(), Filter{State: StateUploading}, []*fakeConn{web2, otherWeb}},
		{"admin, idle", AllSessions(), Filter{State: StateIdle}, []*fakeConn{web1, backup}},
		{"admin, nothing matches", AllSessions(), Filter{Login: "nobody"}, nil},
		{"acme, no filter", CustomerSessions("acme"), Filter{}, []*fakeConn{web1, web2, backup}},
		{"acme, login web1 leaves other's web1 out", CustomerSessions("acme"), Filter{Login: "web1"}, []*fakeConn{web1}},
		{"acme, uploading", CustomerSessions("acme"), Filter{State: StateUploading}, []*fakeConn{web2}},
		{"acme, filter for another customer", CustomerSessions("acme"), Filter{Customer: "other"}, nil},
		{"acme, filter for not logged in", CustomerSessions("acme"), Filter{State: StateNotLoggedIn}, nil},
		{"acme, ip of anonymous session", CustomerSessions("acme"), Filter{IP: "198.51."}, nil},
		{"other, login web", CustomerSessions("other"), Filter{Login: "web"}, []*fakeConn{otherWeb}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := r.List(tt.scope, tt.filter)
			want := make([]string, len(tt.want))
			for i, c := range tt.want {
				want[i] = c.s.ID()
			}
			if !slices.Equal(ids(got), want) {
				t.Errorf("List = %v, want %v", ids(got), want)
			}
			if got == nil {
				t.Error("List returned nil")
			}
		})
	}
}

// --- watch.go: notifications ---

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
		if got := r.DisconnectMatching(AllSessions(), Filter{}, "admin"); len(got) != 1 {
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

	if _, err := r.Disconnect(NewID(), AllSessions(), "admin"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Disconnect unknown: err = %v, want ErrNotFound", err)
	}
	if pending(w) {
		t.Error("Disconnect of an unknown session notified")
	}
	if _, err := r.Disconnect(c.s.ID(), CustomerSessions("other"), "admin"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Disconnect out of scope: err = %v, want ErrNotFound", err)
	}
	if pending(w) {
		t.Error("Disconnect of a session outside scope notified")
	}
	if got := r.DisconnectMatching(AllSessions(), Filter{Login: "nobody"}, "admin"); len(got) != 0 {
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

// --- watch.go and rate.go: rates and traffic ---

func TestRateFollowsRecentTraffic(t *testing.T) {
	r, clk := clockRegistry(t0)
	c := addLoggedIn(r, "web1", "acme", t0)
	c.s.StartTransfer(StateUploading, "/big.bin", -1, t0)

	rate := func() Snapshot {
		t.Helper()
		snap, err := r.Get(c.s.ID(), AllSessions())
		if err != nil {
			t.Fatalf("Get: %v", err)
		}
		return snap
	}
	if got := rate().Rate; got != 0 {
		t.Fatalf("Rate before any sample = %v, want 0", got)
	}

	// 1000 bytes a second for five seconds (up and down both count), then nothing.
	// Rates are over the last 6 samples, i.e. 5 one-second intervals.
	wantRates := []float64{
		0,    // 0s: a single sample gives no rate
		1000, // 1s
		1000, // 2s
		1000, // 3s
		1000, // 4s
		1000, // 5s: last bytes
		800,  // 6s: 1000..5000 over 1s..6s
		600,  // 7s: 2000..5000
		400,  // 8s
		200,  // 9s: 4000..5000 over 4s..9s
		0,    // 10s: the stall fills the window
		0,    // 11s
	}
	for i, want := range wantRates {
		now := at(time.Duration(i) * time.Second)
		clk.Set(now)
		if i >= 1 && i <= 5 {
			c.s.AddUp(600, now)
			c.s.AddDown(400, now)
		}
		r.Sample()
		snap := rate()
		if snap.Rate != want {
			t.Errorf("after sample at %ds: Rate = %v, want %v", i, snap.Rate, want)
		}
		if i == 5 && snap.TransferRate != 1000 {
			t.Errorf("at 5s: TransferRate = %v, want 1000", snap.TransferRate)
		}
	}
	// The average since the start does not drop to zero: 5000 bytes in 11s.
	if got, want := rate().TransferRate, 5000.0/11; got != want {
		t.Errorf("stalled: TransferRate = %v, want %v", got, want)
	}
	if got := r.List(AllSessions(), Filter{})[0].Rate; got != 0 {
		t.Errorf("stalled: List Rate = %v, want 0", got)
	}

	// Bytes moved since the last sample do not change the rate until sampled.
	c.s.AddUp(9000, at(11*time.Second))
	if got := rate().Rate; got != 0 {
		t.Errorf("before the next sample: Rate = %v, want 0", got)
	}
	clk.Set(at(12 * time.Second))
	r.Sample()
	if got := rate().Rate; got != 1800 { // 9000 bytes over 7s..12s
		t.Errorf("after resuming: Rate = %v, want 1800", got)
	}
}

func TestRateUsesElapsedTime(t *testing.T) {
	// Samples need not be exactly a second apart: the rate is bytes over time.
	r, clk := clockRegistry(t0)
	c := addLoggedIn(r, "web1", "acme", t0)
	r.Sample()
	clk.Set(at(4 * time.Second))
	c.s.AddDown(2000, at(4*time.Second))
	r.Sample()
	snap, err := r.Get(c.s.ID(), AllSessions())
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if snap.Rate != 500 {
		t.Errorf("Rate = %v, want 500 (2000 bytes in 4s)", snap.Rate)
	}
	// A second sample at the same instant adds no time and no bytes.
	r.Sample()
	if snap, _ := r.Get(c.s.ID(), AllSessions()); snap.Rate != 500 {
		t.Errorf("after a repeated sample: Rate = %v, want 500", snap.Rate)
	}
}

func TestTrafficSumsSessionRates(t *testing.T) {
	r, clk := clockRegistry(t0)
	if got := r.Traffic(); len(got) != 0 {
		t.Fatalf("Traffic before any sample = %v, want empty", got)
	}
	a := addLoggedIn(r, "web1", "acme", t0)
	b := addLoggedIn(r, "web2", "other", t0)
	idle := addConn(r, "192.0.2.9", 9, t0)

	r.Sample() // 0s
	clk.Set(at(time.Second))
	a.s.AddUp(300, at(time.Second))
	b.s.AddDown(200, at(time.Second))
	r.Sample() // 1s: 300 + 200 + 0
	clk.Set(at(2 * time.Second))
	a.s.AddUp(700, at(2*time.Second))
	r.Remove(b.s)
	r.Sample() // 2s: a 1000 in 2s; b is gone

	want := []TrafficPoint{
		{At: t0, Rate: 0},
		{At: at(time.Second), Rate: 500},
		{At: at(2 * time.Second), Rate: 500},
	}
	got := r.Traffic()
	if len(got) != len(want) {
		t.Fatalf("Traffic = %v, want %v", got, want)
	}
	for i := range want {
		if !got[i].At.Equal(want[i].At) || got[i].Rate != want[i].Rate {
			t.Errorf("Traffic[%d] = %v %v, want %v %v", i, got[i].At, got[i].Rate, want[i].At, want[i].Rate)
		}
	}
	if snap, _ := r.Get(idle.s.ID(), AllSessions()); snap.Rate != 0 {
		t.Errorf("idle session Rate = %v, want 0", snap.Rate)
	}

	// The result is a copy.
	got[0].Rate = 12345
	if again := r.Traffic(); again[0].Rate != 0 {
		t.Errorf("changing the returned slice changed the history: %v", again[0].Rate)
	}
}

func TestTrafficKeepsRecentHistory(t *testing.T) {
	r, clk := clockRegistry(t0)
	c := addLoggedIn(r, "web1", "acme", t0)
	const extra = 7
	// 1000 bytes a second: every point after the first has rate 1000, and the
	// first point (rate 0) is among those dropped.
	for i := 0; i < TrafficHistoryLen+extra; i++ {
		now := at(time.Duration(i) * time.Second)
		clk.Set(now)
		r.Sample()
		if i == TrafficHistoryLen-1 {
			if got := len(r.Traffic()); got != TrafficHistoryLen {
				t.Fatalf("after %d samples: %d points, want %d", i+1, got, TrafficHistoryLen)
			}
		}
		c.s.AddUp(1000, now)
	}
	got := r.Traffic()
	if len(got) != TrafficHistoryLen {
		t.Fatalf("Traffic has %d points, want %d", len(got), TrafficHistoryLen)
	}
	for i, p := range got {
		if want := at(time.Duration(i+extra) * time.Second); !p.At.Equal(want) {
			t.Fatalf("Traffic[%d].At = %v, want %v (oldest dropped first, oldest first)", i, p.At, want)
		}
		if p.Rate != 1000 {
			t.Errorf("Traffic[%d].Rate = %v, want 1000", i, p.Rate)
		}
	}
}

func TestRunReturnsWhenCanceled(t *testing.T) {
	r := testRegistry(t0)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		r.Run(ctx)
		close(done)
	}()
	select {
	case <-done:
		t.Fatal("Run returned before ctx was cancelled")
	default:
	}
	cancel()
	select {
	case <-done:
	case <-time.After(longWait):
		t.Fatal("Run did not return after ctx was cancelled")
	}

	// Already cancelled: returns at once.
	done2 := make(chan struct{})
	go func() {
		r.Run(ctx)
		close(done2)
	}()
	select {
	case <-done2:
	case <-time.After(longWait):
		t.Fatal("Run with a cancelled ctx did not return")
	}
}

// --- registry.go: disconnect reasons and OnEnd ---

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

	snap, err := r.Disconnect(c.s.ID(), CustomerSessions("acme"), "alice")
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

	if _, err := r.Disconnect(c.s.ID(), AllSessions(), "root"); err != nil {
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

// --- registry.go: DisconnectMatching ---

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
	go func() { done <- result{r.DisconnectMatching(CustomerSessions("acme"), Filter{Login: "web"}, "bob")} }()
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
			got := s.r.DisconnectMatching(tt.scope(), tt.filter, "carol")
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
	if got := r.DisconnectMatching(AllSessions(), Filter{}, "admin"); len(got) != 2 {
		t.Fatalf("first call closed %d, want 2", len(got))
	}
	if got := r.DisconnectMatching(AllSessions(), Filter{}, "admin"); len(got) != 0 {
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
			results[g] = r.DisconnectMatching(CustomerSessions("acme"), Filter{}, "admin")
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
