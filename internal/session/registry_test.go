package session

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// longWait is an EndWait that a correct test never reaches; it only keeps a broken
// test from hanging forever.
const longWait = time.Minute

// testRegistry returns a registry whose clock always reads now.
func testRegistry(now time.Time) *Registry {
	r := NewRegistry()
	r.Now = func() time.Time { return now }
	r.EndWait = longWait
	return r
}

// fakeConn stands in for the FTP side of one session: its close func counts calls
// and, unless told otherwise, lets the FTP side notice the close in another
// goroutine and call Remove, as the real server does.
type fakeConn struct {
	s      *Session
	calls  atomic.Int32
	closed chan struct{} // closed on the first close call
	// release, when not nil, holds back the FTP side's Remove until it is closed.
	release chan struct{}
	// noRemove makes the FTP side never call Remove.
	noRemove bool
	// onClose, when not nil, runs inside the close func.
	onClose func()
}

func (c *fakeConn) close(r *Registry) {
	if c.calls.Add(1) != 1 {
		return
	}
	if c.onClose != nil {
		c.onClose()
	}
	close(c.closed)
	if c.noRemove {
		return
	}
	go func() {
		if c.release != nil {
			<-c.release
		}
		r.Remove(c.s)
	}()
}

type connOpt func(*fakeConn)

func holdRemove(release chan struct{}) connOpt { return func(c *fakeConn) { c.release = release } }
func neverRemove() connOpt                     { return func(c *fakeConn) { c.noRemove = true } }

// addConn creates a session connected at connectedAt and adds it to r.
func addConn(r *Registry, ip string, port int, connectedAt time.Time, opts ...connOpt) *fakeConn {
	c := &fakeConn{closed: make(chan struct{})}
	for _, o := range opts {
		o(c)
	}
	c.s = New(ip, port, connectedAt, func() { c.close(r) })
	r.Add(c.s)
	return c
}

// addLoggedIn adds a session logged in as login of customer.
func addLoggedIn(r *Registry, login, customer string, connectedAt time.Time, opts ...connOpt) *fakeConn {
	c := addConn(r, "192.0.2.1", 1024, connectedAt, opts...)
	c.s.LoggedIn(login, customer, "test-client", false, connectedAt)
	return c
}

func ids(snaps []Snapshot) []string {
	out := make([]string, len(snaps))
	for i, s := range snaps {
		out[i] = s.ID
	}
	return out
}

func isDone(s *Session) bool {
	select {
	case <-s.Done():
		return true
	default:
		return false
	}
}

// waitClosed waits for c's close func to have been called.
func waitClosed(t *testing.T, c *fakeConn) {
	t.Helper()
	select {
	case <-c.closed:
	case <-time.After(longWait):
		t.Fatal("close func was never called")
	}
}

type disconnectResult struct {
	snap Snapshot
	err  error
}

func goDisconnect(r *Registry, id string, scope Scope) <-chan disconnectResult {
	ch := make(chan disconnectResult, 1)
	go func() {
		snap, err := r.Disconnect(id, scope, "admin", "")
		ch <- disconnectResult{snap, err}
	}()
	return ch
}

func recvResult(t *testing.T, ch <-chan disconnectResult) disconnectResult {
	t.Helper()
	select {
	case res := <-ch:
		return res
	case <-time.After(2 * longWait):
		t.Fatal("Disconnect did not return")
		return disconnectResult{}
	}
}

func TestNewRegistryDefaults(t *testing.T) {
	r := NewRegistry()
	if r.EndWait != DefaultEndWait {
		t.Errorf("EndWait = %v, want %v", r.EndWait, DefaultEndWait)
	}
	if r.Now == nil {
		t.Fatal("Now is nil")
	}
	if r.Len() != 0 {
		t.Errorf("Len() = %d, want 0", r.Len())
	}
	if got := r.List(AllSessions(), Filter{}); len(got) != 0 {
		t.Errorf("List() = %v, want empty", got)
	}
}

func TestAddListOrder(t *testing.T) {
	r := testRegistry(at(time.Hour))
	c2 := addConn(r, "192.0.2.2", 2, at(2*time.Second))
	cA := addConn(r, "192.0.2.10", 10, t0)
	c1 := addConn(r, "192.0.2.1", 1, at(time.Second))
	cB := addConn(r, "192.0.2.11", 11, t0)
	cC := addConn(r, "192.0.2.12", 12, t0)

	if r.Len() != 5 {
		t.Fatalf("Len() = %d, want 5", r.Len())
	}
	// Sessions connected at the same instant are ordered by ID.
	tied := []string{cA.s.ID(), cB.s.ID(), cC.s.ID()}
	slices.Sort(tied)
	want := append(tied, c1.s.ID(), c2.s.ID())

	for i := 0; i < 5; i++ { // map order varies; the result must not
		got := r.List(AllSessions(), Filter{})
		if !slices.Equal(ids(got), want) {
			t.Fatalf("List order = %v, want %v", ids(got), want)
		}
	}

	got := r.List(AllSessions(), Filter{})
	last := got[len(got)-1]
	if last.RemoteIP != "192.0.2.2" || last.RemotePort != 2 || !last.ConnectedAt.Equal(at(2*time.Second)) {
		t.Errorf("last = %s:%d at %v, want 192.0.2.2:2 at %v", last.RemoteIP, last.RemotePort, last.ConnectedAt, at(2*time.Second))
	}
	for _, s := range got {
		if !s.Now.Equal(at(time.Hour)) {
			t.Errorf("snapshot %s Now = %v, want registry clock %v", s.ID, s.Now, at(time.Hour))
		}
	}
}

func TestListUsesRegistryClock(t *testing.T) {
	var mu sync.Mutex
	now := at(10 * time.Second)
	r := NewRegistry()
	r.EndWait = longWait
	r.Now = func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		return now
	}
	c := addLoggedIn(r, "web1", "acme", t0)
	c.s.StartTransfer(StateUploading, "/up.bin", 1<<20, at(2*time.Second))
	c.s.AddUp(4000, at(3*time.Second))

	check := func(wantNow time.Time, wantRate float64, wantConnected, wantIdle time.Duration) {
		t.Helper()
		list := r.List(AllSessions(), Filter{})
		if len(list) != 1 {
			t.Fatalf("List() has %d sessions, want 1", len(list))
		}
		got, err := r.Get(c.s.ID(), AllSessions())
		if err != nil {
			t.Fatalf("Get: %v", err)
		}
		for _, snap := range []Snapshot{list[0], got} {
			if !snap.Now.Equal(wantNow) {
				t.Errorf("Now = %v, want %v", snap.Now, wantNow)
			}
			if snap.TransferRate != wantRate {
				t.Errorf("TransferRate = %v, want %v", snap.TransferRate, wantRate)
			}
			if snap.ConnectedFor() != wantConnected {
				t.Errorf("ConnectedFor() = %v, want %v", snap.ConnectedFor(), wantConnected)
			}
			if snap.IdleFor() != wantIdle {
				t.Errorf("IdleFor() = %v, want %v", snap.IdleFor(), wantIdle)
			}
			if snap.TransferBytes != 4000 || snap.Size != 1<<20 || snap.File != "/up.bin" {
				t.Errorf("transfer = %q %d/%d, want /up.bin 4000/%d", snap.File, snap.TransferBytes, snap.Size, 1<<20)
			}
		}
	}
	check(at(10*time.Second), 500, 10*time.Second, 7*time.Second) // 4000 bytes in 8s, last at 3s

	mu.Lock()
	now = at(42 * time.Second)
	mu.Unlock()
	check(at(42*time.Second), 100, 42*time.Second, 39*time.Second) // 4000 bytes in 40s: stalled

	c.s.EndTransfer(at(42*time.Second), true)
	mu.Lock()
	now = at(50 * time.Second)
	mu.Unlock()
	snap, err := r.Get(c.s.ID(), AllSessions())
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if snap.State != StateIdle || snap.IdleFor() != 8*time.Second || snap.TransferRate != 0 {
		t.Errorf("after transfer: state %q idle %v rate %v, want idle 8s 0", snap.State, snap.IdleFor(), snap.TransferRate)
	}
}

func TestGetScope(t *testing.T) {
	r := testRegistry(at(time.Minute))
	anon := addConn(r, "192.0.2.50", 5000, t0)
	acme := addLoggedIn(r, "web1", "acme", at(time.Second))
	other := addLoggedIn(r, "ftp2", "other", at(2*time.Second))

	tests := []struct {
		name  string
		id    string
		scope Scope
		ok    bool
	}{
		{"admin gets not logged in", anon.s.ID(), AllSessions(), true},
		{"admin gets acme", acme.s.ID(), AllSessions(), true},
		{"admin gets other", other.s.ID(), AllSessions(), true},
		{"acme gets own", acme.s.ID(), CustomerSessions("acme"), true},
		{"acme cannot get other", other.s.ID(), CustomerSessions("acme"), false},
		{"acme cannot get not logged in", anon.s.ID(), CustomerSessions("acme"), false},
		{"other gets own", other.s.ID(), CustomerSessions("other"), true},
		{"other cannot get acme", acme.s.ID(), CustomerSessions("other"), false},
		{"empty customer cannot get not logged in", anon.s.ID(), CustomerSessions(""), false},
		{"empty customer cannot get acme", acme.s.ID(), CustomerSessions(""), false},
		{"unknown ID", NewID(), AllSessions(), false},
		{"empty ID", "", AllSessions(), false},
		{"garbage ID", "../etc/passwd", AllSessions(), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			snap, err := r.Get(tt.id, tt.scope)
			if !tt.ok {
				if !errors.Is(err, ErrNotFound) {
					t.Fatalf("Get err = %v, want ErrNotFound", err)
				}
				if snap != (Snapshot{}) {
					t.Errorf("Get returned %+v with error, want zero snapshot", snap)
				}
				return
			}
			if err != nil {
				t.Fatalf("Get err = %v, want nil", err)
			}
			if snap.ID != tt.id {
				t.Errorf("Get ID = %q, want %q", snap.ID, tt.id)
			}
			if !snap.Now.Equal(at(time.Minute)) {
				t.Errorf("Now = %v, want %v", snap.Now, at(time.Minute))
			}
		})
	}

	// A session becomes visible to its customer once logged in.
	if _, err := r.Get(anon.s.ID(), CustomerSessions("acme")); !errors.Is(err, ErrNotFound) {
		t.Fatalf("before login: err = %v, want ErrNotFound", err)
	}
	anon.s.LoggedIn("web2", "acme", "", true, at(30*time.Second))
	snap, err := r.Get(anon.s.ID(), CustomerSessions("acme"))
	if err != nil {
		t.Fatalf("after login: err = %v", err)
	}
	if snap.Login != "web2" || snap.Customer != "acme" || !snap.TLS || snap.State != StateIdle {
		t.Errorf("after login: %q %q tls=%v %q, want web2 acme true idle", snap.Login, snap.Customer, snap.TLS, snap.State)
	}
}

func TestListScope(t *testing.T) {
	r := testRegistry(at(time.Minute))
	anon := addConn(r, "192.0.2.50", 5000, t0)
	a1 := addLoggedIn(r, "web1", "acme", at(3*time.Second))
	o1 := addLoggedIn(r, "ftp", "other", at(2*time.Second))
	a2 := addLoggedIn(r, "web2", "acme", at(1*time.Second))

	if got, want := ids(r.List(AllSessions(), Filter{})), []string{anon.s.ID(), a2.s.ID(), o1.s.ID(), a1.s.ID()}; !slices.Equal(got, want) {
		t.Errorf("admin List = %v, want %v", got, want)
	}
	if got, want := ids(r.List(CustomerSessions("acme"), Filter{})), []string{a2.s.ID(), a1.s.ID()}; !slices.Equal(got, want) {
		t.Errorf("acme List = %v, want %v", got, want)
	}
	if got, want := ids(r.List(CustomerSessions("other"), Filter{})), []string{o1.s.ID()}; !slices.Equal(got, want) {
		t.Errorf("other List = %v, want %v", got, want)
	}
	if got := r.List(CustomerSessions(""), Filter{}); len(got) != 0 {
		t.Errorf("List(CustomerSessions(\"\")) = %v, want empty (not-logged-in sessions are invisible)", ids(got))
	}
	if got := r.List(CustomerSessions("nobody"), Filter{}); len(got) != 0 {
		t.Errorf("List(nobody) = %v, want empty", ids(got))
	}
	if got := r.List(CustomerSessions("acme"), Filter{}); got == nil {
		t.Error("List returned nil")
	}
}

func TestRemove(t *testing.T) {
	r := testRegistry(t0)
	a := addConn(r, "192.0.2.1", 1, t0)
	b := addConn(r, "192.0.2.2", 2, at(time.Second))

	r.Remove(a.s)
	if !isDone(a.s) {
		t.Error("Remove did not end the session")
	}
	if r.Len() != 1 {
		t.Errorf("Len() = %d, want 1", r.Len())
	}
	if got := ids(r.List(AllSessions(), Filter{})); !slices.Equal(got, []string{b.s.ID()}) {
		t.Errorf("List = %v, want [%s]", got, b.s.ID())
	}
	if _, err := r.Get(a.s.ID(), AllSessions()); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get removed: err = %v, want ErrNotFound", err)
	}

	// Twice, and a session never added: harmless.
	r.Remove(a.s)
	stranger := New("192.0.2.3", 3, t0, func() {})
	r.Remove(stranger)
	if !isDone(stranger) {
		t.Error("Remove did not end a session that was never added")
	}
	if r.Len() != 1 {
		t.Errorf("Len() = %d, want 1", r.Len())
	}

	// Removing a different session that happens to share an ID leaves the registered one.
	impostor := New("192.0.2.4", 4, t0, func() {})
	impostor.id = b.s.ID()
	r.Remove(impostor)
	if _, err := r.Get(b.s.ID(), AllSessions()); err != nil {
		t.Errorf("Get after removing impostor: %v", err)
	}
	if isDone(b.s) {
		t.Error("registered session ended by removing another session with its ID")
	}
	if b.calls.Load() != 0 {
		t.Errorf("close func called %d times, want 0", b.calls.Load())
	}
}

func TestDisconnect(t *testing.T) {
	r := testRegistry(at(20 * time.Second))
	release := make(chan struct{})
	c := addLoggedIn(r, "web1", "acme", t0, holdRemove(release))
	c.s.StartTransfer(StateDownloading, "/site.tar", 9000, at(10*time.Second))
	c.s.AddDown(3000, at(15*time.Second))
	// Closing the connection aborts the transfer, as the FTP side would.
	c.onClose = func() {
		c.s.AddDown(1, at(21*time.Second))
		c.s.EndTransfer(at(21*time.Second), true)
	}
	keep := addLoggedIn(r, "web2", "acme", at(time.Second))

	res := goDisconnect(r, c.s.ID(), CustomerSessions("acme"))
	waitClosed(t, c)

	// Closed but not yet confirmed by the FTP side: Disconnect is still waiting.
	select {
	case got := <-res:
		t.Fatalf("Disconnect returned %+v before the FTP side removed the session", got)
	default:
	}
	if isDone(c.s) {
		t.Fatal("session ended before Remove")
	}
	if r.Len() != 2 {
		t.Errorf("Len() while closing = %d, want 2", r.Len())
	}
	if got := ids(r.List(AllSessions(), Filter{})); !slices.Equal(got, []string{keep.s.ID()}) {
		t.Errorf("List while closing = %v, want only [%s]", got, keep.s.ID())
	}
	if _, err := r.Get(c.s.ID(), AllSessions()); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get while closing: err = %v, want ErrNotFound", err)
	}
	if _, err := r.Disconnect(c.s.ID(), AllSessions(), "admin", ""); !errors.Is(err, ErrNotFound) {
		t.Errorf("second Disconnect while closing: err = %v, want ErrNotFound", err)
	}

	close(release)
	got := recvResult(t, res)
	if got.err != nil {
		t.Fatalf("Disconnect: %v", got.err)
	}
	if !isDone(c.s) {
		t.Error("Disconnect returned before the session ended")
	}
	if n := c.calls.Load(); n != 1 {
		t.Errorf("close func called %d times, want 1", n)
	}

	// The returned snapshot is from just before the close.
	snap := got.snap
	if snap.ID != c.s.ID() || snap.Login != "web1" || snap.Customer != "acme" {
		t.Errorf("snapshot = %q %q %q, want %q web1 acme", snap.ID, snap.Login, snap.Customer, c.s.ID())
	}
	if snap.State != StateDownloading || snap.File != "/site.tar" || snap.Size != 9000 {
		t.Errorf("snapshot transfer = %q %q %d, want downloading /site.tar 9000", snap.State, snap.File, snap.Size)
	}
	if snap.BytesDown != 3000 || snap.TransferBytes != 3000 {
		t.Errorf("snapshot bytes = %d/%d, want 3000/3000", snap.BytesDown, snap.TransferBytes)
	}
	if snap.TransferRate != 300 { // 3000 bytes in 10s on the registry clock
		t.Errorf("snapshot rate = %v, want 300", snap.TransferRate)
	}
	if !snap.Now.Equal(at(20 * time.Second)) {
		t.Errorf("snapshot Now = %v, want %v", snap.Now, at(20*time.Second))
	}
	if !snap.LastActivity.Equal(at(15 * time.Second)) {
		t.Errorf("snapshot LastActivity = %v, want %v", snap.LastActivity, at(15*time.Second))
	}

	if r.Len() != 1 {
		t.Errorf("Len() after = %d, want 1", r.Len())
	}
	if got := ids(r.List(AllSessions(), Filter{})); !slices.Equal(got, []string{keep.s.ID()}) {
		t.Errorf("List after = %v, want [%s]", got, keep.s.ID())
	}
	if _, err := r.Get(c.s.ID(), AllSessions()); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get after: err = %v, want ErrNotFound", err)
	}

	// Disconnecting it again: gone.
	snap2, err := r.Disconnect(c.s.ID(), AllSessions(), "admin", "")
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("Disconnect again: err = %v, want ErrNotFound", err)
	}
	if snap2 != (Snapshot{}) {
		t.Errorf("Disconnect again returned %+v, want zero snapshot", snap2)
	}
	if n := c.calls.Load(); n != 1 {
		t.Errorf("close func called %d times after second Disconnect, want 1", n)
	}
	if keep.calls.Load() != 0 || isDone(keep.s) {
		t.Error("the other session was touched")
	}
}

func TestDisconnectRemoveInsideCloseFunc(t *testing.T) {
	// The FTP side may notice the close and remove the session before the close
	// func even returns; Disconnect must not deadlock on the registry lock.
	r := testRegistry(t0)
	var s *Session
	calls := 0
	s = New("192.0.2.1", 1, t0, func() {
		calls++
		r.Remove(s)
	})
	r.Add(s)
	snap, err := r.Disconnect(s.ID(), AllSessions(), "admin", "")
	if err != nil {
		t.Fatalf("Disconnect: %v", err)
	}
	if snap.ID != s.ID() || snap.State != StateNotLoggedIn {
		t.Errorf("snapshot = %q %q, want %q %q", snap.ID, snap.State, s.ID(), StateNotLoggedIn)
	}
	if calls != 1 {
		t.Errorf("close func called %d times, want 1", calls)
	}
	if r.Len() != 0 || !isDone(s) {
		t.Errorf("Len() = %d done = %v, want 0 true", r.Len(), isDone(s))
	}
}

func TestDisconnectNotFound(t *testing.T) {
	r := testRegistry(at(time.Minute))
	anon := addConn(r, "192.0.2.50", 5000, t0)
	acme := addLoggedIn(r, "web1", "acme", at(time.Second))
	other := addLoggedIn(r, "ftp2", "other", at(2*time.Second))
	all := []*fakeConn{anon, acme, other}

	tests := []struct {
		name  string
		id    string
		scope Scope
	}{
		{"unknown ID", NewID(), AllSessions()},
		{"empty ID", "", AllSessions()},
		{"malformed ID", "..", AllSessions()},
		{"unknown ID as customer", NewID(), CustomerSessions("acme")},
		{"other customer's session", other.s.ID(), CustomerSessions("acme")},
		{"acme's session as other", acme.s.ID(), CustomerSessions("other")},
		{"not logged in as customer", anon.s.ID(), CustomerSessions("acme")},
		{"not logged in as empty customer", anon.s.ID(), CustomerSessions("")},
		{"acme's session as empty customer", acme.s.ID(), CustomerSessions("")},
		{"zero scope", acme.s.ID(), Scope{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			snap, err := r.Disconnect(tt.id, tt.scope, "admin", "")
			if !errors.Is(err, ErrNotFound) {
				t.Fatalf("err = %v, want ErrNotFound", err)
			}
			if snap != (Snapshot{}) {
				t.Errorf("snapshot = %+v, want zero", snap)
			}
		})
	}

	// Refused disconnects leave everything alive and untouched.
	for _, c := range all {
		if n := c.calls.Load(); n != 0 {
			t.Errorf("session %s: close func called %d times, want 0", c.s.ID(), n)
		}
		if isDone(c.s) {
			t.Errorf("session %s ended", c.s.ID())
		}
	}
	if r.Len() != 3 {
		t.Errorf("Len() = %d, want 3", r.Len())
	}
	if got := len(r.List(AllSessions(), Filter{})); got != 3 {
		t.Errorf("List has %d sessions, want 3 (none marked closing)", got)
	}
	for _, c := range all {
		if _, err := r.Get(c.s.ID(), AllSessions()); err != nil {
			t.Errorf("Get %s after refused disconnects: %v", c.s.ID(), err)
		}
	}

	// The rightful owner can still disconnect.
	snap, err := r.Disconnect(other.s.ID(), CustomerSessions("other"), "admin", "")
	if err != nil {
		t.Fatalf("owner Disconnect: %v", err)
	}
	if snap.ID != other.s.ID() || snap.Customer != "other" {
		t.Errorf("owner Disconnect snapshot = %q %q", snap.ID, snap.Customer)
	}
	if other.calls.Load() != 1 || !isDone(other.s) {
		t.Errorf("owner Disconnect: calls %d done %v, want 1 true", other.calls.Load(), isDone(other.s))
	}
	if r.Len() != 2 {
		t.Errorf("Len() = %d, want 2", r.Len())
	}
}

func TestDisconnectEndWaitExpires(t *testing.T) {
	r := testRegistry(at(5 * time.Second))
	r.EndWait = 50 * time.Millisecond
	c := addLoggedIn(r, "web1", "acme", t0, neverRemove())
	keep := addLoggedIn(r, "web2", "acme", at(time.Second))

	snap, err := r.Disconnect(c.s.ID(), AllSessions(), "admin", "")
	if err != nil {
		t.Fatalf("Disconnect: %v", err)
	}
	if snap.ID != c.s.ID() || snap.Login != "web1" {
		t.Errorf("snapshot = %q %q, want %q web1", snap.ID, snap.Login, c.s.ID())
	}
	if n := c.calls.Load(); n != 1 {
		t.Errorf("close func called %d times, want 1", n)
	}
	if !isDone(c.s) {
		t.Error("session not ended after EndWait")
	}
	if got := ids(r.List(AllSessions(), Filter{})); !slices.Equal(got, []string{keep.s.ID()}) {
		t.Errorf("List = %v, want [%s]", got, keep.s.ID())
	}
	if r.Len() != 1 {
		t.Errorf("Len() = %d, want 1", r.Len())
	}
	if _, err := r.Get(c.s.ID(), AllSessions()); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get: err = %v, want ErrNotFound", err)
	}
	if _, err := r.Disconnect(c.s.ID(), AllSessions(), "admin", ""); !errors.Is(err, ErrNotFound) {
		t.Errorf("Disconnect again: err = %v, want ErrNotFound", err)
	}

	// The FTP side's late Remove finds nothing left to do.
	r.Remove(c.s)
	if r.Len() != 1 {
		t.Errorf("Len() after late Remove = %d, want 1", r.Len())
	}
	if n := c.calls.Load(); n != 1 {
		t.Errorf("close func called %d times in total, want 1", n)
	}
}

func TestDisconnectZeroEndWait(t *testing.T) {
	r := testRegistry(t0)
	r.EndWait = 0
	c := addConn(r, "192.0.2.1", 1, t0, neverRemove())
	if _, err := r.Disconnect(c.s.ID(), AllSessions(), "admin", ""); err != nil {
		t.Fatalf("Disconnect: %v", err)
	}
	if r.Len() != 0 || !isDone(c.s) || c.calls.Load() != 1 {
		t.Errorf("Len %d done %v calls %d, want 0 true 1", r.Len(), isDone(c.s), c.calls.Load())
	}
}

func TestDisconnectRaceSameID(t *testing.T) {
	for iter := 0; iter < 200; iter++ {
		r := testRegistry(t0)
		c := addLoggedIn(r, "web1", "acme", t0)

		start := make(chan struct{})
		var wg sync.WaitGroup
		errs := make([]error, 2)
		snaps := make([]Snapshot, 2)
		for i := range errs {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				<-start
				snaps[i], errs[i] = r.Disconnect(c.s.ID(), CustomerSessions("acme"), "admin", "")
			}(i)
		}
		close(start)
		wg.Wait()

		wins := 0
		for i, err := range errs {
			switch {
			case err == nil:
				wins++
				if snaps[i].ID != c.s.ID() {
					t.Fatalf("iteration %d: winner's snapshot ID = %q, want %q", iter, snaps[i].ID, c.s.ID())
				}
			case errors.Is(err, ErrNotFound):
				if snaps[i] != (Snapshot{}) {
					t.Fatalf("iteration %d: loser got snapshot %+v", iter, snaps[i])
				}
			default:
				t.Fatalf("iteration %d: unexpected error %v", iter, err)
			}
		}
		if wins != 1 {
			t.Fatalf("iteration %d: %d Disconnect calls succeeded, want exactly 1 (errs %v)", iter, wins, errs)
		}
		if n := c.calls.Load(); n != 1 {
			t.Fatalf("iteration %d: close func called %d times, want 1", iter, n)
		}
		if r.Len() != 0 || !isDone(c.s) {
			t.Fatalf("iteration %d: Len %d done %v, want 0 true", iter, r.Len(), isDone(c.s))
		}
	}
}

func TestConcurrentUse(t *testing.T) {
	r := NewRegistry() // wall clock; the assertions below do not depend on it
	r.EndWait = longWait
	const (
		sessions = 24
		workers  = 4 // per session, per kind of work
		rounds   = 200
	)
	conns := make([]*fakeConn, sessions)
	for i := range conns {
		customer := fmt.Sprintf("cust%d", i%3)
		conns[i] = addLoggedIn(r, fmt.Sprintf("login%d", i), customer, at(-time.Duration(i)*time.Millisecond))
		conns[i].s.StartTransfer(StateUploading, fmt.Sprintf("/f%d", i), -1, t0)
	}

	start := make(chan struct{})
	var wg sync.WaitGroup
	var wins [sessions]atomic.Int32
	var disconnectErrs atomic.Int32
	var unexpected atomic.Value

	for i, c := range conns {
		for w := 0; w < workers; w++ {
			wg.Add(3)
			go func() { // the FTP side counting traffic
				defer wg.Done()
				<-start
				for k := 0; k < rounds; k++ {
					c.s.AddUp(2, at(time.Duration(k)*time.Microsecond))
					c.s.AddDown(1, at(time.Duration(k)*time.Microsecond))
				}
			}()
			go func() {
				defer wg.Done()
				<-start
				for k := 0; k < rounds; k++ {
					c.s.Touch(at(time.Duration(rounds-k) * time.Microsecond))
					snap := c.s.Snapshot(at(time.Second))
					if snap.BytesUp < 0 || snap.BytesDown < 0 || snap.BytesUp > 2*workers*rounds {
						unexpected.Store(fmt.Sprintf("bad counters %d/%d", snap.BytesUp, snap.BytesDown))
					}
				}
			}()
			go func() { // panel users
				defer wg.Done()
				<-start
				scope := CustomerSessions(fmt.Sprintf("cust%d", i%3))
				if w%2 == 0 {
					scope = AllSessions()
				}
				for k := 0; k < rounds/10; k++ {
					for _, snap := range r.List(scope, Filter{}) {
						if !scope.Allows(snap) {
							unexpected.Store("List returned a session outside scope")
						}
					}
					if _, err := r.Get(c.s.ID(), scope); err != nil && !errors.Is(err, ErrNotFound) {
						unexpected.Store("Get: " + err.Error())
					}
				}
				// Every other session is disconnected, by several users at once.
				if i%2 == 0 {
					_, err := r.Disconnect(c.s.ID(), scope, "admin", "")
					switch {
					case err == nil:
						wins[i].Add(1)
					case errors.Is(err, ErrNotFound):
						disconnectErrs.Add(1)
					default:
						unexpected.Store("Disconnect: " + err.Error())
					}
				}
			}()
		}
	}
	close(start)
	wg.Wait()

	if v := unexpected.Load(); v != nil {
		t.Fatal(v)
	}
	for i, c := range conns {
		if i%2 == 0 {
			if n := wins[i].Load(); n != 1 {
				t.Errorf("session %d: %d successful disconnects, want 1", i, n)
			}
			if n := c.calls.Load(); n != 1 {
				t.Errorf("session %d: close func called %d times, want 1", i, n)
			}
			if !isDone(c.s) {
				t.Errorf("session %d not ended", i)
			}
			continue
		}
		if n := c.calls.Load(); n != 0 {
			t.Errorf("session %d: close func called %d times, want 0", i, n)
		}
		snap, err := r.Get(c.s.ID(), AllSessions())
		if err != nil {
			t.Errorf("session %d: Get: %v", i, err)
			continue
		}
		if snap.BytesUp != 2*workers*rounds || snap.BytesDown != workers*rounds {
			t.Errorf("session %d: bytes %d/%d, want %d/%d", i, snap.BytesUp, snap.BytesDown, 2*workers*rounds, workers*rounds)
		}
		if snap.TransferBytes != 3*workers*rounds {
			t.Errorf("session %d: TransferBytes %d, want %d", i, snap.TransferBytes, 3*workers*rounds)
		}
		if want := at(rounds * time.Microsecond); !snap.LastActivity.Equal(want) {
			t.Errorf("session %d: LastActivity %v, want %v", i, snap.LastActivity, want)
		}
	}
	// workers-1 losers per disconnected session.
	if got, want := disconnectErrs.Load(), int32(sessions/2*(workers-1)); got != want {
		t.Errorf("%d disconnects got ErrNotFound, want %d", got, want)
	}
	if got := r.Len(); got != sessions/2 {
		t.Errorf("Len() = %d, want %d", got, sessions/2)
	}
	if got := len(r.List(AllSessions(), Filter{})); got != sessions/2 {
		t.Errorf("List has %d sessions, want %d", got, sessions/2)
	}
}

func TestShutdown(t *testing.T) {
	r := testRegistry(t0)
	release := make(chan struct{})
	const n = 5
	conns := make([]*fakeConn, n)
	for i := range conns {
		conns[i] = addConn(r, "192.0.2.1", 1000+i, at(time.Duration(i)*time.Second), holdRemove(release))
	}
	conns[0].s.LoggedIn("web1", "acme", "", false, t0)

	done := make(chan error, 1)
	go func() { done <- r.Shutdown(context.Background()) }()

	for _, c := range conns {
		waitClosed(t, c)
	}
	// Every session is closed, none has ended: Shutdown is still waiting.
	select {
	case err := <-done:
		t.Fatalf("Shutdown returned %v before the sessions ended", err)
	default:
	}
	if got := r.List(AllSessions(), Filter{}); len(got) != 0 {
		t.Errorf("List during shutdown = %v, want empty (all closing)", ids(got))
	}
	if _, err := r.Disconnect(conns[0].s.ID(), AllSessions(), "admin", ""); !errors.Is(err, ErrNotFound) {
		t.Errorf("Disconnect during shutdown: err = %v, want ErrNotFound", err)
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
	for i, c := range conns {
		if n := c.calls.Load(); n != 1 {
			t.Errorf("session %d: close func called %d times, want 1", i, n)
		}
		if !isDone(c.s) {
			t.Errorf("session %d not ended", i)
		}
	}
	if r.Len() != 0 {
		t.Errorf("Len() after Shutdown = %d, want 0", r.Len())
	}
}

func TestShutdownEmpty(t *testing.T) {
	r := testRegistry(t0)
	if err := r.Shutdown(context.Background()); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
}

func TestShutdownDoesNotCloseTwice(t *testing.T) {
	// A session already being disconnected is not closed again, but Shutdown
	// still waits for it.
	r := testRegistry(t0)
	release := make(chan struct{})
	busy := addConn(r, "192.0.2.1", 1, t0, holdRemove(release))
	idle := addConn(r, "192.0.2.2", 2, t0)

	res := goDisconnect(r, busy.s.ID(), AllSessions())
	waitClosed(t, busy)

	done := make(chan error, 1)
	go func() { done <- r.Shutdown(context.Background()) }()
	waitClosed(t, idle)
	select {
	case <-idle.s.Done():
	case <-time.After(longWait):
		t.Fatal("idle session never ended")
	}
	select {
	case err := <-done:
		t.Fatalf("Shutdown returned %v while a session was still ending", err)
	default:
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
	if got := recvResult(t, res); got.err != nil || got.snap.ID != busy.s.ID() {
		t.Errorf("Disconnect = %q, %v; want %q, nil", got.snap.ID, got.err, busy.s.ID())
	}
	if busy.calls.Load() != 1 || idle.calls.Load() != 1 {
		t.Errorf("close calls = %d, %d; want 1, 1", busy.calls.Load(), idle.calls.Load())
	}
	if r.Len() != 0 {
		t.Errorf("Len() = %d, want 0", r.Len())
	}
}

func TestShutdownCanceledContext(t *testing.T) {
	r := testRegistry(t0)
	conns := []*fakeConn{
		addConn(r, "192.0.2.1", 1, t0, neverRemove()),
		addLoggedIn(r, "web1", "acme", at(time.Second), neverRemove()),
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()

	err := r.Shutdown(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Shutdown err = %v, want context.Canceled", err)
	}
	// The sessions were still told to close, once.
	for i, c := range conns {
		if n := c.calls.Load(); n != 1 {
			t.Errorf("session %d: close func called %d times, want 1", i, n)
		}
	}
	if r.Len() != 2 {
		t.Errorf("Len() = %d, want 2 (nothing confirmed the end)", r.Len())
	}

	// A second Shutdown does not close them again.
	ctx2, cancel2 := context.WithDeadline(context.Background(), t0)
	defer cancel2()
	if err := r.Shutdown(ctx2); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("second Shutdown err = %v, want context.DeadlineExceeded", err)
	}
	for i, c := range conns {
		if n := c.calls.Load(); n != 1 {
			t.Errorf("session %d: close func called %d times after second Shutdown, want 1", i, n)
		}
	}
}

func TestShutdownContextCanceledWhileWaiting(t *testing.T) {
	r := testRegistry(t0)
	c := addConn(r, "192.0.2.1", 1, t0, neverRemove())
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Shutdown(ctx) }()
	waitClosed(t, c)
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Shutdown err = %v, want context.Canceled", err)
		}
	case <-time.After(longWait):
		t.Fatal("Shutdown did not return after cancel")
	}
}
