package session

import (
	"errors"
	"testing"
	"time"
)

// A limit is read by Throttle at once, 0 lifts it, and the kill ends a wait
// on it at once instead of after the limit's pace.
func TestRateLimitThrottleAndKill(t *testing.T) {
	r := NewRegistry()
	var s *Session
	// As the FTP side does: the close ends the session.
	s = New("192.0.2.1", 1000, time.Now(), func() { go s.End() })
	r.Add(s)
	s.LoggedIn("bob", "acme", "", false, time.Now())
	if s.LimitChunk() != 0 || s.Throttle(1<<20) != nil {
		t.Fatal("a session without a limit is throttled")
	}
	snap, err := r.Throttle(s.ID(), CustomerSessions("other"), 1024)
	if err != ErrNotFound || snap.ID != "" || s.RateLimit() != 0 {
		t.Fatalf("another customer's scope limited the session: %v, %d", err, s.RateLimit())
	}
	snap, err = r.Throttle(s.ID(), CustomerSessions("acme"), 8)
	if err != nil || snap.RateLimit != 8 || s.LimitChunk() != 1 {
		t.Fatalf("Throttle: %v, snapshot limit %d, chunk %d", err, snap.RateLimit, s.LimitChunk())
	}
	var hooked int
	s.OnLimit(func() { hooked++ })
	s.SetRateLimit(4)
	s.OnLimit(nil)
	s.SetRateLimit(2)
	if hooked != 1 {
		t.Errorf("the OnLimit hook ran %d times, want once", hooked)
	}
	// At 2 B/s, the bucket's single token is spent first; the next wait would
	// last half a second, and then more: the kill must end it.
	if err := s.Throttle(1); err != nil {
		t.Fatal(err)
	}
	waited := make(chan error, 1)
	go func() {
		for {
			if err := s.Throttle(1); err != nil {
				waited <- err
				return
			}
		}
	}()
	if _, err := r.Disconnect(s.ID(), AllSessions(), "admin", ""); err != nil {
		t.Fatal(err)
	}
	if err := <-waited; err == nil {
		t.Fatal("the wait ended without an error")
	}
	s.SetRateLimit(0)
	if s.RateLimit() != 0 || s.Throttle(1<<20) != nil {
		t.Error("0 did not lift the limit")
	}
}

// A transfer takes the lowest of the session's own limit, its account's for
// its direction and its share of the server's cap; 0 everywhere is no limit.
func TestLimitIsTheLowestThatApplies(t *testing.T) {
	r := NewRegistry()
	a := New("192.0.2.1", 1000, time.Now(), func() {})
	b := New("192.0.2.2", 1000, time.Now(), func() {})
	r.Add(a)
	r.Add(b)
	a.LoggedIn("bob", "acme", "", false, time.Now())
	b.LoggedIn("bob", "acme", "", false, time.Now())
	a.StartTransfer(StateDownloading, "f", 10, time.Now())
	if a.Limit() != 0 || a.LimitChunk() != 0 {
		t.Fatalf("an unlimited session is limited to %d", a.Limit())
	}
	var cut int
	a.OnLimit(func() { cut++ })
	a.SetAccountLimits(2000, 500)
	if a.Limit() != 2000 || cut != 1 {
		t.Errorf("download with an account limit: %d, cut %d times", a.Limit(), cut)
	}
	a.SetAccountLimits(0, 500) // a limit on uploads only leaves a download alone
	if a.Limit() != 0 || cut != 1 {
		t.Errorf("download with an upload limit: %d, cut %d times", a.Limit(), cut)
	}
	a.OnLimit(nil)
	a.EndTransfer(time.Now(), true)
	a.StartTransfer(StateUploading, "g", -1, time.Now())
	if a.Limit() != 500 {
		t.Errorf("upload: %d, want the account's 500", a.Limit())
	}
	a.SetRateLimit(100)
	if a.Limit() != 100 {
		t.Errorf("a lower session limit: %d, want 100", a.Limit())
	}
	a.SetRateLimit(1000)
	if a.Limit() != 500 {
		t.Errorf("a higher session limit: %d, want the account's 500", a.Limit())
	}
	if snap := a.Snapshot(time.Now()); snap.AccountDownLimit != 0 || snap.AccountUpLimit != 500 || snap.RateLimit != 1000 {
		t.Errorf("snapshot limits %+v", snap)
	}
	a.SetRateLimit(0)
	a.SetAccountLimits(0, 0)

	r.SetMaxRate(1000)
	if a.Limit() != 1000 || r.RunningTransfers() != 1 {
		t.Errorf("alone under the cap: %d, %d running", a.Limit(), r.RunningTransfers())
	}
	b.StartTransfer(StateDownloading, "h", 10, time.Now())
	if a.Limit() != 500 || b.Limit() != 500 {
		t.Errorf("two under the cap: %d and %d, want 500 each", a.Limit(), b.Limit())
	}
	b.SetRateLimit(100)
	if b.Limit() != 100 || a.Limit() != 500 {
		t.Errorf("own limit under the share: %d, %d", b.Limit(), a.Limit())
	}
	b.StartTransfer(StateListing, "", -1, time.Now()) // a listing shares nothing
	r.Remove(a)
	if r.RunningTransfers() != 1 || b.Limit() != 100 {
		t.Errorf("after a left: %d running, b limited to %d", r.RunningTransfers(), b.Limit())
	}
	b.EndTransfer(time.Now(), true)
	if r.RunningTransfers() != 0 {
		t.Errorf("%d transfers left running", r.RunningTransfers())
	}
}

// An administrator's limit is the host's: the session's customer may go below
// it and back up to it, never above it nor lift it; the administrator's next
// change replaces the customer's.
func TestCustomerCannotLiftTheHostsLimit(t *testing.T) {
	r := NewRegistry()
	s := New("192.0.2.1", 1000, time.Now(), func() {})
	r.Add(s)
	s.LoggedIn("bob", "acme", "", false, time.Now())
	acme := CustomerSessions("acme")
	if _, err := r.Throttle(s.ID(), AllSessions(), 1<<20); err != nil {
		t.Fatal(err)
	}
	for _, bps := range []int64{0, 2 << 20} {
		var hl *HostLimitError
		if _, err := r.Throttle(s.ID(), acme, bps); !errors.As(err, &hl) || hl.Limit != 1<<20 {
			t.Errorf("the customer's Throttle(%d) over the host's 1 MiB/s = %v", bps, err)
		}
	}
	if got := r.ThrottleIDs([]string{s.ID()}, acme, 0); len(got) != 0 {
		t.Errorf("ThrottleIDs lifted the host's limit for the customer: %v", got)
	}
	if s.RateLimit() != 1<<20 {
		t.Fatalf("limit %d after the refused changes", s.RateLimit())
	}
	for _, bps := range []int64{256 << 10, 1 << 20} {
		if snap, err := r.Throttle(s.ID(), acme, bps); err != nil || snap.RateLimit != bps {
			t.Errorf("the customer's Throttle(%d) within the host's limit: %v, limit %d", bps, err, snap.RateLimit)
		}
	}
	if _, err := r.Throttle(s.ID(), acme, 256<<10); err != nil {
		t.Fatal(err)
	}
	// The customer's lower limit is the one transfers wait on.
	if s.Limit() != 256<<10 || s.ownLimit(false) != 256<<10 || s.ownLimit(true) != 256<<10 {
		t.Errorf("with the customer's 256 KiB/s under the host's 1 MiB/s: Limit %d, own %d/%d",
			s.Limit(), s.ownLimit(false), s.ownLimit(true))
	}
	if snap, err := r.Throttle(s.ID(), AllSessions(), 0); err != nil || snap.RateLimit != 0 || s.Limit() != 0 {
		t.Errorf("the administrator's lift left %d (%v)", snap.RateLimit, err)
	}
	// With no host's limit, the customer's is its own to lift.
	if _, err := r.Throttle(s.ID(), acme, 1024); err != nil {
		t.Fatal(err)
	}
	if snap, err := r.Throttle(s.ID(), acme, 0); err != nil || snap.RateLimit != 0 {
		t.Errorf("the customer could not lift its own limit: %v, %d", err, snap.RateLimit)
	}
}

// A limit lowered between LimitChunk and Throttle holds the whole chunk: the
// chunk is paid for at the new pace, not just the new, smaller burst.
func TestThrottleHoldsTheChunkAfterALowerLimit(t *testing.T) {
	s := New("192.0.2.1", 1000, time.Now(), func() {})
	s.LoggedIn("bob", "acme", "", false, time.Now())
	s.SetRateLimit(64000)
	chunk := s.LimitChunk() // 8000 bytes
	s.SetRateLimit(8000)    // a burst of 1000 bytes
	began := time.Now()
	if err := s.Throttle(chunk); err != nil {
		t.Fatal(err)
	}
	// At 8000 B/s the chunk is at least (8000-1000)/8000 s: a lower bound no
	// busy machine can miss, as the bucket never gives faster than its rate.
	least := time.Duration(float64(chunk-limitChunk(8000)) / 8000 * float64(time.Second))
	if took := time.Since(began); took < least {
		t.Errorf("%d bytes passed a limit of 8000 B/s in %v; at that pace they take at least %v", chunk, took, least)
	}
}
