package ftpd

import (
	"testing"
	"time"
)

// newTestPool is a pool whose ports released unused rest a minute on a clock
// that stands still unless the test moves it.
func newTestPool(low, high int) *portPool {
	clock := time.Date(2026, 12, 2, 15, 0, 0, 0, time.UTC)
	return newPortPool(low, high, time.Minute, func() time.Time { return clock })
}

// take is what one PASV does with the pool: the port offered first is bound and held.
func take(t *testing.T, p *portPool) int {
	t.Helper()
	exposed, listened, ok := p.FetchNext()
	if !ok {
		t.Fatal("no port offered while the range has free ones")
	}
	if exposed != listened {
		t.Fatalf("offered %d to expose and %d to listen on", exposed, listened)
	}
	p.hold(listened)
	return listened
}

// TestPortPoolUsesTheWholeRange: a range of 100 ports serves 100 listeners at
// once, and the 101st gets a clear no.
func TestPortPoolUsesTheWholeRange(t *testing.T) {
	p := newTestPool(40000, 40099)
	seen := map[int]bool{}
	for range 100 {
		port := take(t, p)
		if port < 40000 || port > 40099 {
			t.Fatalf("port %d is outside the range", port)
		}
		if seen[port] {
			t.Fatalf("port %d offered again while a listener holds it", port)
		}
		seen[port] = true
	}
	if _, _, ok := p.FetchNext(); ok {
		t.Error("a port was offered while every one is held")
	}
}

// TestPortPoolReleasedLongestAgoFirst: a port just released is the last one to be
// offered again, so a late data connection meant for its old session finds no
// listener there.
func TestPortPoolReleasedLongestAgoFirst(t *testing.T) {
	p := newTestPool(40000, 40003)
	a, b := take(t, p), take(t, p)
	p.release(b, true)
	p.release(a, true)
	// Never used yet: 40002 and 40003; then b, released before a.
	for _, want := range []int{40002, 40003, b, a} {
		if got := take(t, p); got != want {
			t.Fatalf("offered %d, want %d", got, want)
		}
	}
}

// TestPortPoolOfferNotTakenMovesBack: a port the library could not listen on
// (another program holds it) moves to the back instead of being offered again at once.
func TestPortPoolOfferNotTakenMovesBack(t *testing.T) {
	p := newTestPool(40000, 40002)
	if _, busy, _ := p.FetchNext(); busy != 40000 {
		t.Fatalf("first offer %d", busy)
	}
	for _, want := range []int{40001, 40002, 40000} {
		if got := take(t, p); got != want {
			t.Fatalf("offered %d, want %d", got, want)
		}
	}
}

// TestPortPoolReleaseIsIdempotent: a port released twice is offered once.
func TestPortPoolReleaseIsIdempotent(t *testing.T) {
	p := newTestPool(40000, 40001)
	a := take(t, p)
	p.release(a, true)
	p.release(a, true)
	p.release(39999, true) // outside the range: ignored
	take(t, p)
	take(t, p)
	if _, _, ok := p.FetchNext(); ok {
		t.Error("a port released twice was offered twice")
	}
}

// TestPortPoolRestsAPortReleasedUnused: a port whose listener never got its data
// connection (the session was disconnected first) may still get one, late, from
// that client; it is offered again only once its rest is over, or when no other
// port is free.
func TestPortPoolRestsAPortReleasedUnused(t *testing.T) {
	clock := time.Date(2026, 12, 2, 15, 0, 0, 0, time.UTC)
	p := newPortPool(40000, 40002, time.Minute, func() time.Time { return clock })
	unused, used := take(t, p), take(t, p)
	p.release(unused, false)
	p.release(used, true)
	// 40002 was never used; then the port whose transfer was done; the resting
	// port only when nothing else is free.
	for _, want := range []int{40002, used, unused} {
		if got := take(t, p); got != want {
			t.Fatalf("offered %d, want %d", got, want)
		}
	}

	p.release(40002, true)
	p.release(unused, false)
	clock = clock.Add(time.Minute) // the rest is over: the two are in release order
	for _, want := range []int{40002, unused} {
		if got := take(t, p); got != want {
			t.Fatalf("after the rest: offered %d, want %d", got, want)
		}
	}
}

// TestPortPoolUnusedOfferKeepsItsPlace: a port listened on but refused to its
// session (the address is over its share) goes back to the front of the queue.
func TestPortPoolUnusedOfferKeepsItsPlace(t *testing.T) {
	p := newTestPool(40000, 40002)
	if _, first, _ := p.FetchNext(); first != 40000 {
		t.Fatalf("first offer %d", first)
	}
	p.unused(40000)
	if got := take(t, p); got != 40000 {
		t.Fatalf("offered %d after a refused offer, want 40000 again", got)
	}
}
