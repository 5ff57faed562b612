package session

import "time"

// Stuck is a logged-in session to drop for going nowhere: a transfer that has
// stalled, or a session that has not transferred anything for too long.
type Stuck struct {
	ID   string
	Kind EndKind // EndStalled or EndNoTransfer
	// Limit is the timeout the session ran over.
	Limit time.Duration
}

// Stuck finds the logged-in sessions to drop for going nowhere: those whose
// transfer or listing has moved no byte for stallTimeout, and those idle that
// have begun no transfer or listing for noTransferTimeout since the last one
// ended (or since login), whatever else they send (NOOP keeps a session from its
// idle timeout, not from this one). A timeout of 0 finds nothing. Sessions being
// disconnected are left out.
//
// Like Overdue, it runs every second over every session and allocates only for
// what it finds.
func (r *Registry) Stuck(now time.Time, stallTimeout, noTransferTimeout time.Duration) []Stuck {
	if stallTimeout <= 0 && noTransferTimeout <= 0 {
		return nil
	}
	var out []Stuck
	r.mu.RLock()
	defer r.mu.RUnlock()
	for _, s := range r.byID {
		if s.closing.Load() {
			continue
		}
		s.mu.Lock()
		loggedIn, state, transferring, last := s.login != "", s.state, !s.transfer.startedAt.IsZero(), s.lastTransfer
		s.mu.Unlock()
		switch {
		case !loggedIn:
		case transferring:
			if stallTimeout > 0 && now.Sub(time.Unix(0, s.lastMoved.Load())) >= stallTimeout {
				out = append(out, Stuck{ID: s.id, Kind: EndStalled, Limit: stallTimeout})
			}
		case state == StateIdle:
			if noTransferTimeout > 0 && now.Sub(last) >= noTransferTimeout {
				out = append(out, Stuck{ID: s.id, Kind: EndNoTransfer, Limit: noTransferTimeout})
			}
		}
	}
	return out
}
