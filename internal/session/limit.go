package session

import "golang.org/x/time/rate"

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
// bps bytes per second; 0 lifts the limit. The transfer path reads the limit
// at every chunk, so a change is felt at once.
func (s *Session) SetRateLimit(bps int64) {
	bps = max(bps, 0)
	s.mu.Lock()
	if bps > 0 {
		if s.limiter == nil {
			s.limiter = rate.NewLimiter(rate.Limit(bps), limitChunk(bps))
		} else {
			s.limiter.SetLimit(rate.Limit(bps))
			s.limiter.SetBurst(limitChunk(bps))
		}
	}
	s.rateLimit.Store(bps)
	onLimit := s.onLimit
	s.mu.Unlock()
	if onLimit != nil && bps > 0 {
		onLimit()
	}
	s.notify()
}

// OnLimit has f called whenever the session gets a limit, until it is called
// again with nil: how a download that goes without chunks (sendfile) learns
// that it must go on limited. f must not block.
func (s *Session) OnLimit(f func()) {
	s.mu.Lock()
	s.onLimit = f
	s.mu.Unlock()
}

// RateLimit is the session's limit in bytes per second; 0 when it has none.
func (s *Session) RateLimit() int64 { return s.rateLimit.Load() }

// LimitChunk is the most a transfer of this session may move before its next
// call to Throttle; 0 when the session has no limit, so that it moves as it
// would without one.
func (s *Session) LimitChunk() int {
	bps := s.rateLimit.Load()
	if bps <= 0 {
		return 0
	}
	return limitChunk(bps)
}

// Throttle waits until n bytes may move under the session's limit (at once
// without one). n must be at most LimitChunk. It returns an error, at once,
// when the session is closed (a Disconnect, a timeout): a limited transfer
// ends as fast as any other.
func (s *Session) Throttle(n int) error {
	if n <= 0 || s.rateLimit.Load() <= 0 {
		return nil
	}
	s.mu.Lock()
	l := s.limiter
	s.mu.Unlock()
	if l == nil {
		return nil
	}
	for {
		// The burst is read again: a limit changed meanwhile may have made
		// it smaller than n, which WaitN refuses.
		err := l.WaitN(s.killed, min(n, l.Burst()))
		if err == nil || s.killed.Err() != nil || s.rateLimit.Load() <= 0 {
			return s.killed.Err()
		}
	}
}

// kill cancels the waits of the session's limited transfer.
func (s *Session) kill() { s.cancel() }

// Throttle sets the limit of one session within scope (see SetRateLimit) and
// returns the session as it is then; ErrNotFound when it is unknown, ending or
// out of scope.
func (r *Registry) Throttle(id string, scope Scope, bps int64) (Snapshot, error) {
	done := r.ThrottleIDs([]string{id}, scope, bps)
	if len(done) == 0 {
		return Snapshot{}, ErrNotFound
	}
	return done[0], nil
}

// ThrottleIDs sets the limit of each session with these IDs within scope; IDs
// unknown, ending or out of scope are passed over. It returns the sessions
// it limited, as they are then.
func (r *Registry) ThrottleIDs(ids []string, scope Scope, bps int64) []Snapshot {
	var out []Snapshot
	for _, id := range ids {
		s := r.lookup(id)
		if s == nil || s.closing.Load() || !scope.Allows(s.Snapshot(r.Now())) {
			continue
		}
		s.SetRateLimit(bps)
		out = append(out, s.Snapshot(r.Now()))
	}
	return out
}
