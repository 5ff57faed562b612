package session

import (
	"cmp"
	"slices"
	"testing"
	"time"
)

func TestStuck(t *testing.T) {
	r := testRegistry(t0)
	const stall, noTransfer = 5 * time.Minute, time.Hour

	// A download that moved its last byte 5 minutes ago: stalled.
	stalled := addLoggedIn(r, "web1", "acme", at(-2*time.Hour))
	stalled.s.StartTransfer(StateDownloading, "/big.bin", 100, at(-10*time.Minute))
	stalled.s.AddDown(10, at(-5*time.Minute))
	// A slow one that moved a byte a minute ago, after starting long ago.
	slow := addLoggedIn(r, "web2", "acme", at(-2*time.Hour))
	slow.s.StartTransfer(StateDownloading, "/big.bin", 100, at(-90*time.Minute))
	slow.s.AddDown(1, at(-time.Minute))
	// An upload that has not received its first byte for 5 minutes: stalled.
	silentUp := addLoggedIn(r, "web3", "acme", at(-2*time.Hour))
	silentUp.s.StartTransfer(StateUploading, "/in.bin", -1, at(-5*time.Minute))
	// A listing just begun.
	listing := addLoggedIn(r, "web4", "acme", at(-2*time.Hour))
	listing.s.StartTransfer(StateListing, "/", -1, at(-time.Second))
	// Logged in an hour ago, only NOOPs since: no transfer.
	noop := addLoggedIn(r, "web5", "acme", at(-time.Hour))
	noop.s.Touch(at(-time.Second))
	// Its last transfer ended 59 minutes ago: stays.
	recent := addLoggedIn(r, "web6", "acme", at(-3*time.Hour))
	recent.s.StartTransfer(StateDownloading, "/f", 1, at(-2*time.Hour))
	recent.s.AddDown(1, at(-2*time.Hour))
	recent.s.EndTransfer(at(-59*time.Minute), true)
	// Not logged in for hours: the login timeout's business.
	anon := addConn(r, "192.0.2.1", 1001, at(-3*time.Hour))

	got := r.Stuck(t0, stall, noTransfer)
	slices.SortFunc(got, func(a, b Stuck) int { return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.ID, b.ID)) })
	want := []Stuck{
		{ID: noop.s.ID(), Kind: EndNoTransfer, Limit: noTransfer},
		{ID: stalled.s.ID(), Kind: EndStalled, Limit: stall},
		{ID: silentUp.s.ID(), Kind: EndStalled, Limit: stall},
	}
	slices.SortFunc(want, func(a, b Stuck) int { return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.ID, b.ID)) })
	if !slices.Equal(got, want) {
		t.Errorf("Stuck = %+v\nwant %+v (not %s, %s, %s or %s)", got, want,
			slow.s.ID(), listing.s.ID(), recent.s.ID(), anon.s.ID())
	}

	if got := r.Stuck(t0, 0, noTransfer); len(got) != 1 || got[0].Kind != EndNoTransfer {
		t.Errorf("stall timeout off: %+v, want only the no-transfer session", got)
	}
	if got := r.Stuck(t0, stall, 0); len(got) != 2 {
		t.Errorf("no-transfer timeout off: %+v, want the 2 stalled sessions", got)
	}
	if got := r.Stuck(t0, 0, 0); got != nil {
		t.Errorf("both off: %+v, want none", got)
	}
}

func TestStuckAllocatesOnlyForWhatItFinds(t *testing.T) {
	r := testRegistry(t0)
	for i := range 1000 {
		s := addLoggedIn(r, "web", "acme", at(time.Duration(i)*time.Millisecond))
		if i%2 == 0 {
			s.s.StartTransfer(StateDownloading, "/f", 1, at(time.Duration(i)*time.Millisecond))
		}
	}
	if n := testing.AllocsPerRun(10, func() { r.Stuck(t0, time.Minute, time.Hour) }); n != 0 {
		t.Errorf("Stuck of 1000 sessions, none stuck: %v allocations, want 0", n)
	}
}
