// Package lockout counts failures by key (an address, a username) and locks a
// key whose failures reach a limit within a window. Each lock lasts twice as long
// as the one before, up to a maximum, until a day passes without one. The panel's
// sign-in throttle and the FTP server's defender both count with it.
package lockout

import (
	"sync"
	"time"
)

// Forget is how long after a key's last lock ended its next lock is a first one
// again, and the key is forgotten.
const Forget = 24 * time.Hour

// Policy says when a key is locked and for how long.
type Policy struct {
	Limit   float64       // failures within Window that lock the key
	Window  time.Duration // how long failures count, from the first
	Lock    time.Duration // the first lock
	MaxLock time.Duration // the longest lock
}

// Counter counts failures by key in memory. It is safe for concurrent use.
type Counter struct {
	policy Policy
	now    func() time.Time

	mu   sync.Mutex
	keys map[string]*count
}

// count is what the counter knows about one key.
type count struct {
	failures    float64 // in the window, with those still being checked
	windowEnds  time.Time
	lockedUntil time.Time
	locks       int // locks since the key was last forgiven
}

// New returns a counter for policy, reading the time from now.
func New(policy Policy, now func() time.Time) *Counter {
	policy.MaxLock = max(policy.MaxLock, policy.Lock)
	return &Counter{policy: policy, now: now, keys: make(map[string]*count)}
}

// get returns key's count, starting its window and its repeats over when they
// have run out; nil when the key is unknown and create is false.
func (c *Counter) get(key string, now time.Time, create bool) *count {
	k := c.keys[key]
	if k == nil {
		if !create {
			return nil
		}
		k = &count{}
		c.keys[key] = k
	}
	if !now.Before(k.windowEnds) {
		k.failures = 0
		k.windowEnds = now.Add(c.policy.Window)
	}
	if k.locks > 0 && now.Sub(k.lockedUntil) >= Forget {
		k.locks = 0
	}
	return k
}

// LockedFor says how much longer key is locked; 0 when it is not.
func (c *Counter) LockedFor(key string) time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	if k := c.get(key, now, false); k != nil {
		return max(0, k.lockedUntil.Sub(now))
	}
	return 0
}

// Full reports whether key's failures, with those still being checked, have
// reached the limit.
func (c *Counter) Full(key string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	k := c.get(key, c.now(), false)
	return k != nil && k.failures >= c.policy.Limit
}

// Add counts weight against key without locking it (see Lock). While the key is
// locked nothing counts: failures begun before the lock must not lengthen it.
func (c *Counter) Add(key string, weight float64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.add(key, weight, c.now())
}

func (c *Counter) add(key string, weight float64, now time.Time) *count {
	k := c.get(key, now, true)
	if now.Before(k.lockedUntil) {
		return nil
	}
	k.failures += weight
	return k
}

// Take takes back weight counted against key, as for an attempt that turned out
// right or could not be checked.
func (c *Counter) Take(key string, weight float64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if k := c.get(key, c.now(), false); k != nil {
		k.failures = max(0, k.failures-weight)
	}
}

// Clear starts key's failures over, as a right password does for a username.
func (c *Counter) Clear(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if k := c.get(key, c.now(), false); k != nil {
		k.failures = 0
	}
}

// Lock locks key when its failures have reached the limit and it is not locked
// already; it returns how long the lock lasts, or 0.
func (c *Counter) Lock(key string) time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	k := c.get(key, now, false)
	if k == nil || now.Before(k.lockedUntil) {
		return 0
	}
	return c.lock(k, now)
}

func (c *Counter) lock(k *count, now time.Time) time.Duration {
	if k.failures < c.policy.Limit {
		return 0
	}
	k.locks++
	d := c.policy.Lock
	for i := 1; i < k.locks && d < c.policy.MaxLock; i++ {
		d *= 2
	}
	d = min(d, c.policy.MaxLock)
	k.lockedUntil = now.Add(d)
	k.failures = 0
	k.windowEnds = k.lockedUntil.Add(c.policy.Window)
	return d
}

// Fail counts weight against key and locks it when that reaches the limit, in
// one step; it returns how long the lock lasts, or 0.
func (c *Counter) Fail(key string, weight float64) time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	k := c.add(key, weight, now)
	if k == nil {
		return 0
	}
	return c.lock(k, now)
}

// Unlock ends key's lock now, as lifting a ban does: failures count again from
// none, and the next lock is a repeat.
func (c *Counter) Unlock(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	if k := c.keys[key]; k != nil && now.Before(k.lockedUntil) {
		k.lockedUntil = now
		k.failures = 0
		k.windowEnds = now.Add(c.policy.Window)
	}
}

// Prune forgets the keys whose window has ended and whose last lock ended a day
// ago: they would start afresh anyway, and a scan of many addresses or usernames
// must not fill the memory.
func (c *Counter) Prune() {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	for key, k := range c.keys {
		if !now.Before(k.windowEnds) && now.Sub(k.lockedUntil) >= Forget {
			delete(c.keys, key)
		}
	}
}

// Len is how many keys the counter remembers.
func (c *Counter) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.keys)
}
