package session

import (
	"testing"
	"time"
)

func TestEndReasonText(t *testing.T) {
	for _, c := range []struct {
		r    EndReason
		want string
	}{
		{EndReason{}, ""},
		{EndReason{Kind: EndQuit}, "quit"},
		{EndReason{Kind: EndTooMany}, "too many sessions"},
		{EndReason{Kind: EndDisconnected, By: "alice"}, "disconnected by alice"},
	} {
		if got := c.r.String(); got != c.want {
			t.Errorf("%#v: %q, want %q", c.r, got, c.want)
		}
	}
}

func TestEndKindsAreValidAndDistinct(t *testing.T) {
	seen := map[EndKind]bool{}
	for _, k := range EndKinds() {
		if k == "" || seen[k] || !ValidEndKind(k) {
			t.Errorf("kind %q: empty, twice or not valid", k)
		}
		seen[k] = true
	}
	if ValidEndKind("disconnected by alice") || ValidEndKind("") {
		t.Error("a reason's text or nothing passes for a kind")
	}
	kinds := EndKinds()
	kinds[0] = "changed by the caller"
	if EndKinds()[0] != EndQuit {
		t.Error("the caller's copy of EndKinds changed the list")
	}
}

// Every kind of end has its own count in Totals, from the start, and a disconnect
// counts under one kind whoever clicked.
func TestTotalsCountEveryKind(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	r := testRegistry(now)
	for _, k := range EndKinds() {
		if n, ok := r.Totals().EndedBy[k]; !ok || n != 0 {
			t.Errorf("before any end: EndedBy[%q] = %d, %v; want 0, present", k, n, ok)
		}
	}
	for _, k := range EndKinds() {
		c := addLoggedIn(r, "bob", "acme", now)
		if k == EndDisconnected {
			if _, err := r.Disconnect(c.s.ID(), AllSessions(), "alice", ""); err != nil {
				t.Fatal(err)
			}
			c = addLoggedIn(r, "bob", "acme", now)
			if _, err := r.Disconnect(c.s.ID(), AllSessions(), "carol", ""); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if !r.End(c.s.ID(), k) {
			t.Fatalf("End(%q) ended nothing", k)
		}
		<-c.s.Done()
	}
	totals := r.Totals()
	for _, k := range EndKinds() {
		want := int64(1)
		if k == EndDisconnected {
			want = 2
		}
		if totals.EndedBy[k] != want {
			t.Errorf("EndedBy[%q] = %d, want %d", k, totals.EndedBy[k], want)
		}
	}
	if len(totals.EndedBy) != len(EndKinds()) {
		t.Errorf("EndedBy has %d series, want one per kind (%d): %v", len(totals.EndedBy), len(EndKinds()), totals.EndedBy)
	}
}
