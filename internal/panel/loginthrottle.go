package panel

import (
	"context"
	"github.com/ftppanel/ftppanel/internal/i18n"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"sync"
	"time"

	"github.com/ftppanel/ftppanel/internal/lockout"
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

// pruneEvery bounds how often the throttle drops the counts it no longer needs.
const pruneEvery = time.Minute

// loginThrottle counts failed sign-ins in memory (a restart forgets them). An
// attempt counts from the moment it starts, so parallel guesses cannot slip past
// the limit while their passwords are being checked. Unknown usernames are
// counted exactly like real ones, so a lock says nothing about who exists.
type loginThrottle struct {
	limits LoginLimits
	now    func() time.Time

	// mu makes checking and counting an attempt against both counters one step.
	mu        sync.Mutex
	addresses *lockout.Counter
	users     *lockout.Counter
	lastPrune time.Time
}

func newLoginThrottle(limits LoginLimits, now func() time.Time) *loginThrottle {
	l := limits.withDefaults()
	policy := func(failures int) lockout.Policy {
		return lockout.Policy{Limit: float64(failures), Window: l.Window, Lock: l.Lock, MaxLock: l.MaxLock}
	}
	return &loginThrottle{limits: l, now: now,
		addresses: lockout.New(policy(l.AddressFailures), now), users: lockout.New(policy(l.AccountFailures), now)}
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
	if now := t.now(); now.Sub(t.lastPrune) >= pruneEvery {
		t.lastPrune = now
		t.addresses.Prune()
		t.users.Prune()
	}
	user := throttleUsername(username)
	wait := max(t.addresses.LockedFor(address), t.users.LockedFor(user))
	if wait == 0 && (t.addresses.Full(address) || t.users.Full(user)) {
		// Not locked, but the last allowed attempts are being checked right now.
		wait = time.Second
	}
	if wait > 0 {
		return nil, wait
	}
	t.addresses.Add(address, 1)
	t.users.Add(user, 1)
	return &loginAttempt{t: t, address: address, user: user}, 0
}

// end ends the attempt once, under the throttle's lock, with what ending it does.
func (a *loginAttempt) end(how func()) {
	a.t.mu.Lock()
	defer a.t.mu.Unlock()
	if !a.ended {
		a.ended = true
		how()
	}
}

// succeeded ends an attempt with the right password: the username starts afresh,
// and the attempt no longer counts against the address.
func (a *loginAttempt) succeeded() {
	a.end(func() {
		a.t.addresses.Take(a.address, 1)
		a.t.users.Clear(a.user)
	})
}

// abandoned ends an attempt that could not be checked, such as when the
// database failed: it counts neither way.
func (a *loginAttempt) abandoned() {
	a.end(func() {
		a.t.addresses.Take(a.address, 1)
		a.t.users.Take(a.user, 1)
	})
}

// failed ends an attempt with a wrong password (or an unknown user): it keeps
// counting, and locks the address or the username that reached its limit.
func (a *loginAttempt) failed() {
	a.end(func() {
		a.t.addresses.Lock(a.address)
		a.t.users.Lock(a.user)
	})
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
func tooManyAttempts(w http.ResponseWriter, r *http.Request, wait time.Duration) string {
	secs := int((wait + time.Second - 1) / time.Second)
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	l := loc(r)
	return l.T("TooManySignIns", "Wait", waitText(l, secs))
}

// waitText says a wait in whole seconds as people read it, in l's language:
// "30 seconds", "5 minutes".
func waitText(l *i18n.Locale, secs int) string {
	if secs < 60 {
		return l.N("WaitSeconds", secs)
	}
	return l.N("WaitMinutes", (secs+59)/60)
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
