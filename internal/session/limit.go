package session

import (
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// maxLimitChunk bounds the bytes a limited transfer moves per wait on its
// limiter, and so the burst it may make after a pause.
const maxLimitChunk = 128 << 10

// limitChunk is the most a transfer limited to bps moves at once: an eighth of
// a second's worth, so a change of limit is felt within that (well within the
// second the panel promises), and at most maxLimitChunk.
func limitChunk(bps int64) int {
	return int(min(max(bps/8, 1), maxLimitChunk))
}

// SetRateLimit limits the session's transfers, the running one included, to
// bps bytes per second; 0 lifts the limit. It is an administrator's: it
// replaces any limit the session's customer set. The transfer path reads the
// limit at every chunk, so a change is felt at once. Where the session's
// account has a lower limit for a direction, or the server's cap leaves a
// transfer a smaller share, that lower one applies (see Limit).
func (s *Session) SetRateLimit(bps int64) {
	s.rateLimit.Store(max(bps, 0))
	s.customerLimit.Store(0)
	s.limitsChanged()
}

// HostLimitError refuses a customer's change that would lift or raise the
// limit an administrator gave the session.
type HostLimitError struct{ Limit int64 }

func (e *HostLimitError) Error() string {
	return "an administrator limited this session; only an administrator can lift or raise that limit"
}

// SetCustomerRateLimit is SetRateLimit for the session's customer, who may
// lower the session's speed and lift what it set, but not go above a limit
// an administrator set: that is a *HostLimitError.
func (s *Session) SetCustomerRateLimit(bps int64) error {
	bps = max(bps, 0)
	if host := s.rateLimit.Load(); host > 0 && (bps == 0 || bps > host) {
		return &HostLimitError{Limit: host}
	}
	s.customerLimit.Store(bps)
	s.limitsChanged()
	return nil
}

// SetAccountLimits applies the limits of the session's FTP account, download
// and upload apart, in bytes per second (0 for none): at login, and again
// whenever the account's limits change, the running transfer included.
func (s *Session) SetAccountLimits(down, up int64) {
	s.accountDown.Store(max(down, 0))
	s.accountUp.Store(max(up, 0))
	s.limitsChanged()
}

// AccountLimits are the limits of the session's account, download and upload.
func (s *Session) AccountLimits() (down, up int64) { return s.accountDown.Load(), s.accountUp.Load() }

// limitsChanged tells a download that goes without chunks (sendfile) that it
// must go on limited, and the watchers that the session changed.
func (s *Session) limitsChanged() {
	s.mu.Lock()
	onLimit := s.onLimit
	s.mu.Unlock()
	if onLimit != nil && s.limitFor(false) > 0 {
		onLimit()
	}
	s.notify()
}

// OnLimit has f called whenever the session gets a limit on its downloads,
// until it is called again with nil: how a download that goes without chunks
// (sendfile) learns that it must go on limited. f must not block.
func (s *Session) OnLimit(f func()) {
	s.mu.Lock()
	s.onLimit = f
	s.mu.Unlock()
}

// RateLimit is the session's own limit in bytes per second, the lower of an
// administrator's and its customer's; 0 when it has none.
func (s *Session) RateLimit() int64 { return minLimit(s.rateLimit.Load(), s.customerLimit.Load()) }

// minLimit is the lower of two limits, where 0 is none.
func minLimit(a, b int64) int64 {
	if a <= 0 {
		return max(b, 0)
	}
	if b <= 0 {
		return a
	}
	return min(a, b)
}

// limitFor is what a transfer of the session in one direction is sure to be
// let move per second now, and what sizes its chunks: the lowest of the
// session's own limit, its account's limit for that direction and its equal
// share of the server's cap (it gets more of the cap when other transfers
// leave theirs unused; see Throttle); 0 when none applies.
func (s *Session) limitFor(upload bool) int64 {
	account := &s.accountDown
	if upload {
		account = &s.accountUp
	}
	bps := minLimit(s.RateLimit(), account.Load())
	if s.maxRate != nil {
		bps = minLimit(bps, s.maxRate.share())
	}
	return bps
}

// ownLimit is the lower of the session's own limit and its account's for one
// direction; 0 when neither applies. The server's cap is not in it: Throttle
// takes that from the bucket the transfers share.
func (s *Session) ownLimit(upload bool) int64 {
	if upload {
		return minLimit(s.RateLimit(), s.accountUp.Load())
	}
	return minLimit(s.RateLimit(), s.accountDown.Load())
}

// Limit is what the session's current transfer may move per second now (see
// limitFor); 0 when nothing limits it.
func (s *Session) Limit() int64 { return s.limitFor(s.uploading.Load()) }

// LimitChunk is the most a transfer of this session may move before its next
// call to Throttle; 0 when nothing limits it, so that it moves as it would
// without a limit.
func (s *Session) LimitChunk() int {
	bps := s.Limit()
	if bps <= 0 {
		return 0
	}
	return limitChunk(bps)
}

// Throttle waits until n bytes may move under the limit of the session's
// current transfer (at once without one): its own and its account's limit on
// the session's limiter, then the server's cap on the bucket all transfers
// share, so bytes a stalled or slower transfer does not take go to the others
// and the cap is never exceeded. n must be at most LimitChunk. It returns an
// error, at once, when the session is closed (a Disconnect, a timeout): a
// limited transfer ends as fast as any other.
func (s *Session) Throttle(n int) error {
	for n > 0 {
		own := s.ownLimit(s.uploading.Load())
		var shared *rate.Limiter
		if s.maxRate != nil {
			shared = s.maxRate.bucket.Load()
		}
		if own <= 0 && shared == nil {
			return nil
		}
		// A limit lowered since LimitChunk may have made a burst smaller
		// than n, which WaitN refuses: wait for n a burst at a time, so the
		// whole chunk is paid for at the new pace.
		take := n
		var l *rate.Limiter
		if own > 0 {
			l = s.limiterAt(own)
			take = min(take, l.Burst())
		}
		if shared != nil {
			take = min(take, shared.Burst())
		}
		if l != nil {
			if err := l.WaitN(s.killed, take); err != nil {
				if s.killed.Err() != nil {
					return s.killed.Err()
				}
				continue // the burst changed under the wait: read it again
			}
		}
		if shared != nil {
			if err := shared.WaitN(s.killed, take); err != nil {
				if s.killed.Err() != nil {
					return s.killed.Err()
				}
				continue
			}
		}
		n -= take
	}
	return s.killed.Err()
}

// limiterAt returns the session's limiter, set to bps: the limit is worked
// out again at every chunk (the account's, the session's own and the cap's
// share all change while a transfer runs), and the limiter follows it.
func (s *Session) limiterAt(bps int64) *rate.Limiter {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.limiter == nil {
		s.limiter = rate.NewLimiter(rate.Limit(bps), limitChunk(bps))
	} else if s.limiter.Limit() != rate.Limit(bps) {
		s.limiter.SetLimit(rate.Limit(bps))
		s.limiter.SetBurst(limitChunk(bps))
	}
	return s.limiter
}

// maxRate is a server-wide cap on the bytes per second of all transfers
// together: one token bucket they all wait on, chunk by chunk, so the cap is
// never exceeded and is work-conserving: what a stalled, slow or self-limited
// transfer does not take, the others do. Each transfer's chunk is sized to its
// equal share, cap / running, so transfers that all want more take turns of
// the same size and get about a share each.
type maxRate struct {
	bps     atomic.Int64
	running atomic.Int64
	bucket  atomic.Pointer[rate.Limiter] // nil without a cap
}

// share is one running transfer's equal part of the cap: what sizes its
// chunks, and what it gets when every transfer wants more; 0 when there is no
// cap.
func (m *maxRate) share() int64 {
	bps := m.bps.Load()
	if bps <= 0 {
		return 0
	}
	return max(bps/max(m.running.Load(), 1), 1)
}

// SetMaxRate caps all transfers of the registry's sessions together at bps
// bytes per second, shared among those running; 0 lifts the cap. Set it
// before the first transfer: transfers that began without a cap go on without
// it until their next chunk, and downloads that went to sendfile without any
// limit keep it.
func (r *Registry) SetMaxRate(bps int64) {
	bps = max(bps, 0)
	r.maxRate.bps.Store(bps)
	if bps == 0 {
		r.maxRate.bucket.Store(nil)
		return
	}
	r.maxRate.bucket.Store(rate.NewLimiter(rate.Limit(bps), limitChunk(bps)))
}

// MaxRate is the cap SetMaxRate set; 0 for none.
func (r *Registry) MaxRate() int64 { return r.maxRate.bps.Load() }

// RunningTransfers counts the uploads and downloads under way, which share
// the cap.
func (r *Registry) RunningTransfers() int64 { return r.maxRate.running.Load() }

// joinCap counts the session's new upload or download among those sharing
// the cap; s.mu held.
func (s *Session) joinCap(state State) {
	if s.maxRate == nil || s.sharing || (state != StateUploading && state != StateDownloading) {
		return
	}
	s.sharing = true
	s.maxRate.running.Add(1)
}

// leaveCap stops counting the session's transfer; s.mu held.
func (s *Session) leaveCap() {
	if s.sharing {
		s.sharing = false
		s.maxRate.running.Add(-1)
	}
}

// kill cancels the waits of the session's limited transfer.
func (s *Session) kill() { s.cancel() }

// Throttle sets the limit of one session within scope (see SetRateLimit; a
// customer's scope sets the customer's, SetCustomerRateLimit) and returns the
// session as it is then; ErrNotFound when it is unknown, ending or out of
// scope, a *HostLimitError when its customer may not make that change.
func (r *Registry) Throttle(id string, scope Scope, bps int64) (Snapshot, error) {
	s := r.lookup(id)
	if s == nil || s.closing.Load() || !scope.Allows(s.Snapshot(r.Now())) {
		return Snapshot{}, ErrNotFound
	}
	if scope.All() {
		s.SetRateLimit(bps)
	} else if err := s.SetCustomerRateLimit(bps); err != nil {
		return Snapshot{}, err
	}
	return s.Snapshot(r.Now()), nil
}

// ThrottleIDs sets the limit of each session with these IDs within scope (see
// Throttle); IDs unknown, ending or out of scope, and sessions whose customer
// may not make that change, are passed over. It returns the sessions it
// limited, as they are then.
func (r *Registry) ThrottleIDs(ids []string, scope Scope, bps int64) []Snapshot {
	var out []Snapshot
	for _, id := range ids {
		if snap, err := r.Throttle(id, scope, bps); err == nil {
			out = append(out, snap)
		}
	}
	return out
}

// ApplyAccount gives every live session logged in as login its account's
// limits (see Session.SetAccountLimits) and idle timeout (0: the server's),
// and returns how many it changed.
func (r *Registry) ApplyAccount(login string, down, up int64, idle time.Duration) int {
	n := 0
	for _, s := range r.all() {
		s.mu.Lock()
		mine := s.login == login
		s.mu.Unlock()
		if mine {
			s.SetAccountLimits(down, up)
			s.SetIdleTimeout(idle)
			n++
		}
	}
	return n
}
