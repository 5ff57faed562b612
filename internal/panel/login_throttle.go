package panel

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"sync"
	"time"
)

// LoginLimits are how the panel slows password guessing and then stops it, per
// client address and per username. Zero fields take the defaults.
type LoginLimits struct {
	// AccountFailures failed sign-ins for one username within Window lock that
	// username (default 5); AddressFailures from one address lock the address
	// (default 20: an office may share one address).
	AccountFailures int
	AddressFailures int
	Window          time.Duration // default 15 minutes
	// Lock is how long the first lock lasts (default 5 minutes); each next one,
	// until a day passes without one, lasts twice as long, up to MaxLock (1 hour).
	Lock    time.Duration
	MaxLock time.Duration
	// FailureDelay holds back the answer to every failed sign-in (default 1
	// second; negative for none), so that guessing is slow even before a lock.
	FailureDelay time.Duration
}

// DefaultLoginLimits are the limits when Config leaves them out.
var DefaultLoginLimits = LoginLimits{
	AccountFailures: 5,
	AddressFailures: 20,
	Window:          15 * time.Minute,
	Lock:            5 * time.Minute,
	MaxLock:         time.Hour,
	FailureDelay:    time.Second,
}

func (l LoginLimits) withDefaults() LoginLimits {
	d := DefaultLoginLimits
	if l.AccountFailures > 0 {
		d.AccountFailures = l.AccountFailures
	}
	if l.AddressFailures > 0 {
		d.AddressFailures = l.AddressFailures
	}
	if l.Window > 0 {
		d.Window = l.Window
	}
	if l.Lock > 0 {
		d.Lock = l.Lock
	}
	if l.MaxLock > 0 {
		d.MaxLock = l.MaxLock
	}
	if l.FailureDelay != 0 {
		d.FailureDelay = max(l.FailureDelay, 0)
	}
	d.MaxLock = max(d.MaxLock, d.Lock)
	return d
}

// forgetLocksAfter is how long without a lock before the next one is short again.
const forgetLocksAfter = 24 * time.Hour

// pruneEvery bounds how often the throttle drops the counters it no longer needs.
const pruneEvery = time.Minute

// loginThrottle counts failed sign-ins in memory (a restart forgets them). An
// attempt counts from the moment it starts, so parallel guesses cannot slip past
// the limit while their passwords are being checked. Unknown usernames are
// counted exactly like real ones, so a lock says nothing about who exists.
type loginThrottle struct {
	limits LoginLimits
	now    func() time.Time

	mu        sync.Mutex
	counters  map[string]*throttleCounter
	lastPrune time.Time
}

// throttleCounter is what the throttle knows about one address or one username.
type throttleCounter struct {
	failures    int       // failed attempts in the window, plus those still being checked
	windowEnds  time.Time // when failures starts over
	lockedUntil time.Time
	locks       int // locks so far; each lasts twice as long as the one before
}

func newLoginThrottle(limits LoginLimits, now func() time.Time) *loginThrottle {
	return &loginThrottle{limits: limits.withDefaults(), now: now, counters: map[string]*throttleCounter{}}
}

// loginAttempt is one sign-in being checked; the caller must end it with
// succeeded, failed or abandoned.
type loginAttempt struct {
	t             *loginThrottle
	address, user string // counter keys
	ended         bool
}

// begin starts a sign-in attempt from address for username. When either is
// locked, or already has as many attempts as allowed, it returns how long to wait
// instead.
func (t *loginThrottle) begin(address, username string) (*loginAttempt, time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	t.prune(now)
	addr, user := t.counter("address "+address, now), t.counter("user "+throttleUsername(username), now)
	wait := max(addr.lockedFor(now), user.lockedFor(now))
	if wait == 0 && (addr.failures >= t.limits.AddressFailures || user.failures >= t.limits.AccountFailures) {
		// Not locked, but the last allowed attempts are being checked right now.
		wait = time.Second
	}
	if wait > 0 {
		return nil, wait
	}
	addr.failures++
	user.failures++
	return &loginAttempt{t: t, address: "address " + address, user: "user " + throttleUsername(username)}, 0
}

// succeeded ends an attempt with the right password: the username starts afresh,
// and the attempt no longer counts against the address.
func (a *loginAttempt) succeeded() {
	a.t.mu.Lock()
	defer a.t.mu.Unlock()
	if a.ended {
		return
	}
	a.ended = true
	if c := a.t.counters[a.address]; c != nil && c.failures > 0 {
		c.failures--
	}
	if c := a.t.counters[a.user]; c != nil {
		c.failures = 0
	}
}

// abandoned ends an attempt that could not be checked, such as when the
// database failed: it counts neither way.
func (a *loginAttempt) abandoned() {
	a.t.mu.Lock()
	defer a.t.mu.Unlock()
	if a.ended {
		return
	}
	a.ended = true
	for _, key := range []string{a.address, a.user} {
		if c := a.t.counters[key]; c != nil && c.failures > 0 {
			c.failures--
		}
	}
}

// failed ends an attempt with a wrong password (or an unknown user): it keeps
// counting, and locks the address or the username that reached its limit.
func (a *loginAttempt) failed() {
	a.t.mu.Lock()
	defer a.t.mu.Unlock()
	if a.ended {
		return
	}
	a.ended = true
	now := a.t.now()
	for key, limit := range map[string]int{a.address: a.t.limits.AddressFailures, a.user: a.t.limits.AccountFailures} {
		c := a.t.counters[key]
		if c == nil {
			continue
		}
		if c.failures >= limit && c.lockedFor(now) == 0 {
			c.locks++
			c.lockedUntil = now.Add(a.t.lockFor(c.locks))
			c.failures = 0
			c.windowEnds = c.lockedUntil.Add(a.t.limits.Window)
		}
	}
}

// counter returns the counter for key, starting its window over when it ended.
func (t *loginThrottle) counter(key string, now time.Time) *throttleCounter {
	c := t.counters[key]
	if c == nil {
		c = &throttleCounter{}
		t.counters[key] = c
	}
	if !now.Before(c.windowEnds) {
		c.failures = 0
		c.windowEnds = now.Add(t.limits.Window)
	}
	if c.locks > 0 && now.Sub(c.lockedUntil) > forgetLocksAfter {
		c.locks = 0
	}
	return c
}

// lockFor is how long the nth lock lasts.
func (t *loginThrottle) lockFor(n int) time.Duration {
	d := t.limits.Lock
	for i := 1; i < n && d < t.limits.MaxLock; i++ {
		d *= 2
	}
	return min(d, t.limits.MaxLock)
}

func (c *throttleCounter) lockedFor(now time.Time) time.Duration {
	return max(0, c.lockedUntil.Sub(now))
}

// prune drops the counters that would start afresh anyway, so that guesses at
// many usernames do not fill the memory.
func (t *loginThrottle) prune(now time.Time) {
	if now.Sub(t.lastPrune) < pruneEvery {
		return
	}
	t.lastPrune = now
	for key, c := range t.counters {
		if !now.Before(c.windowEnds) && now.Sub(c.lockedUntil) > forgetLocksAfter {
			delete(t.counters, key)
		}
	}
}

// throttleUsername bounds what is kept of a username: longer ones cannot exist.
func throttleUsername(name string) string {
	const keep = 64
	if len(name) > keep {
		return name[:keep]
	}
	return name
}

// throttleAddress is whom a request counts against: its client's IP address,
// or for IPv6 its /64 network, which one client usually has whole.
func throttleAddress(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	ip = ip.Unmap()
	if ip.Is6() {
		p, _ := ip.Prefix(64)
		return p.String()
	}
	return ip.String()
}

// tooManyAttempts answers a locked sign-in: 429 with Retry-After, and a message
// that says how long to wait but not whether the username exists.
func tooManyAttempts(w http.ResponseWriter, wait time.Duration) string {
	secs := int((wait + time.Second - 1) / time.Second)
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	return "Too many failed sign-ins. Wait " + waitText(secs) + ", then try again."
}

// waitText says a wait in whole seconds as people read it: "30 seconds", "5 minutes".
func waitText(secs int) string {
	if secs < 60 {
		if secs == 1 {
			return "1 second"
		}
		return strconv.Itoa(secs) + " seconds"
	}
	mins := (secs + 59) / 60
	if mins == 1 {
		return "1 minute"
	}
	return strconv.Itoa(mins) + " minutes"
}

// holdBack delays the answer to a failed sign-in, unless the client goes away.
func (t *loginThrottle) holdBack(ctx context.Context) {
	if t.limits.FailureDelay <= 0 {
		return
	}
	timer := time.NewTimer(t.limits.FailureDelay)
	defer timer.Stop()
	select {
	case <-ctx.Done():
	case <-timer.C:
	}
}
