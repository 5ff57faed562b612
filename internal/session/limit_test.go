package session

import (
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
