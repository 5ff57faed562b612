package lockout

import (
	"strconv"
	"sync"
	"testing"
	"time"
)

// clock is a time the test moves.
type clock struct{ now time.Time }

func (c *clock) Now() time.Time          { return c.now }
func (c *clock) Advance(d time.Duration) { c.now = c.now.Add(d) }

func newCounter() (*Counter, *clock) {
	clk := &clock{now: time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)}
	return New(Policy{Limit: 3, Window: 15 * time.Minute, Lock: 15 * time.Minute, MaxLock: 4 * 15 * time.Minute}, clk.Now), clk
}

// fail counts n failures against key and returns the locks they made.
func fail(c *Counter, key string, n int) []time.Duration {
	var locks []time.Duration
	for range n {
		if d := c.Fail(key, 1); d > 0 {
			locks = append(locks, d)
		}
	}
	return locks
}

func TestLocksOnceAtTheLimit(t *testing.T) {
	c, clk := newCounter()
	if locks := fail(c, "a", 2); len(locks) != 0 || c.LockedFor("a") != 0 {
		t.Fatalf("two failures locked: %v", locks)
	}
	if locks := fail(c, "a", 38); len(locks) != 1 || locks[0] != 15*time.Minute {
		t.Fatalf("forty failures at once locked %v, want one 15m lock", locks)
	}
	if d := c.LockedFor("a"); d != 15*time.Minute {
		t.Errorf("LockedFor = %s", d)
	}
	if c.LockedFor("b") != 0 || c.Len() != 1 {
		t.Errorf("another key is locked, or remembered")
	}
	// Failures during the lock add nothing, then or later.
	clk.Advance(14 * time.Minute)
	fail(c, "a", 40)
	clk.Advance(time.Minute)
	if c.LockedFor("a") != 0 {
		t.Fatal("still locked after 15m")
	}
	if locks := fail(c, "a", 2); len(locks) != 0 {
		t.Errorf("failures during the lock counted after it: %v", locks)
	}
	if locks := fail(c, "a", 1); len(locks) != 1 || locks[0] != 30*time.Minute {
		t.Errorf("the next lock: %v, want a repeat's 30m", locks)
	}
}

func TestRepeatsDoubleUpToMaxLock(t *testing.T) {
	c, clk := newCounter()
	for _, want := range []time.Duration{15 * time.Minute, 30 * time.Minute, time.Hour, time.Hour} {
		if locks := fail(c, "a", 3); len(locks) != 1 || locks[0] != want {
			t.Fatalf("lock %v, want %s", locks, want)
		}
		clk.Advance(want)
	}
}

func TestRepeatsFadeAfterADay(t *testing.T) {
	c, clk := newCounter()
	fail(c, "a", 3)
	clk.Advance(15*time.Minute + 23*time.Hour)
	if locks := fail(c, "a", 3); len(locks) != 1 || locks[0] != 30*time.Minute {
		t.Fatalf("a lock within a day of the last: %v, want 30m", locks)
	}
	clk.Advance(30*time.Minute + Forget)
	if locks := fail(c, "a", 3); len(locks) != 1 || locks[0] != 15*time.Minute {
		t.Errorf("a lock a day after the last ended: %v, want the first's 15m", locks)
	}
}

func TestWindow(t *testing.T) {
	c, clk := newCounter()
	fail(c, "a", 2)
	clk.Advance(15 * time.Minute)
	if locks := fail(c, "a", 2); len(locks) != 0 {
		t.Errorf("failures of an earlier window still count: %v", locks)
	}
	c.Add("b", 0.5)
	c.Add("b", 2)
	if c.Full("b") || c.LockedFor("b") != 0 {
		t.Error("2.5 failures fill a limit of 3")
	}
	c.Add("b", 0.5)
	if !c.Full("b") || c.LockedFor("b") != 0 {
		t.Error("Add reached the limit: Full, not locked yet")
	}
	c.Take("b", 1)
	if c.Full("b") || c.Lock("b") != 0 {
		t.Error("Take did not take back")
	}
	c.Add("b", 1)
	if d := c.Lock("b"); d != 15*time.Minute || c.Lock("b") != 0 {
		t.Errorf("Lock = %s, want 15m once", d)
	}
	c.Add("c", 2)
	c.Clear("c")
	if locks := fail(c, "c", 2); len(locks) != 0 {
		t.Errorf("Clear did not start over: %v", locks)
	}
}

func TestUnlock(t *testing.T) {
	c, clk := newCounter()
	fail(c, "a", 3)
	clk.Advance(time.Minute)
	c.Unlock("a")
	if c.LockedFor("a") != 0 {
		t.Fatal("still locked after Unlock")
	}
	if locks := fail(c, "a", 3); len(locks) != 1 || locks[0] != 30*time.Minute {
		t.Errorf("after Unlock: %v, want a repeat's 30m", locks)
	}
	c.Unlock("unknown")
	if c.Len() != 1 {
		t.Error("Unlock remembered an unknown key")
	}
}

func TestPruneBoundsMemory(t *testing.T) {
	c, clk := newCounter()
	for i := range 1000 {
		fail(c, "locked"+strconv.Itoa(i), 3)
		c.Add("counted"+strconv.Itoa(i), 1)
	}
	clk.Advance(time.Hour)
	c.Prune()
	if n := c.Len(); n != 1000 {
		t.Fatalf("an hour on, %d keys remembered, want the 1000 locked", n)
	}
	fail(c, "recent", 3)
	clk.Advance(Forget - 45*time.Minute)
	c.Prune()
	if n := c.Len(); n != 1 {
		t.Errorf("a day after their locks ended, %d keys remembered, want only the one locked since", n)
	}
}

func TestConcurrentFailuresLockOnce(t *testing.T) {
	c, _ := newCounter()
	var wg sync.WaitGroup
	var mu sync.Mutex
	var locks []time.Duration
	for range 40 {
		wg.Go(func() {
			if d := c.Fail("a", 1); d > 0 {
				mu.Lock()
				locks = append(locks, d)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(locks) != 1 {
		t.Errorf("forty failures at once made %d locks, want 1", len(locks))
	}
}
