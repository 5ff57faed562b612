package session

import "time"

// Overdue is a session that has waited longer than it may.
type Overdue struct {
	ID string
	// LoggedIn tells an idle session (true) from one that never logged in.
	LoggedIn bool
	// Limit is the timeout the session ran over.
	Limit time.Duration
}

// Overdue finds the sessions to drop for waiting too long: those not logged in
// after loginTimeout (none when it is 0), and logged-in sessions that have been
// idle, with no transfer or listing under way, for their own idle timeout or,
// when they have none, for idleTimeout. Sessions being disconnected are left out.
//
// It is meant to run every second over every session, so it takes no snapshots
// and allocates only for what it finds: an idle server must not make garbage in
// proportion to its sessions, or its heap grows while nothing happens.
func (r *Registry) Overdue(now time.Time, loginTimeout, idleTimeout time.Duration) []Overdue {
	var out []Overdue
	r.mu.RLock()
	defer r.mu.RUnlock()
	for _, s := range r.byID {
		if s.closing.Load() {
			continue
		}
		s.mu.Lock()
		loggedIn, state, limit := s.login != "", s.state, s.idleTimeout
		s.mu.Unlock()
		switch {
		case !loggedIn:
			if loginTimeout > 0 && now.Sub(s.connectedAt) >= loginTimeout {
				out = append(out, Overdue{ID: s.id, Limit: loginTimeout})
			}
		case state == StateIdle:
			if limit <= 0 {
				limit = idleTimeout
			}
			if now.Sub(time.Unix(0, s.lastActivity.Load())) >= limit {
				out = append(out, Overdue{ID: s.id, LoggedIn: true, Limit: limit})
			}
		}
	}
	return out
}
