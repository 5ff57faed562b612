package session

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"sync"
	"time"
)

// ErrNotFound is returned for a session that does not exist, has ended, is being
// disconnected by someone else, or is outside the caller's scope: all look the same
// to the caller, so IDs of other customers' sessions reveal nothing.
var ErrNotFound = errors.New("session not found")

// DefaultEndWait bounds how long Disconnect waits for the FTP side to confirm
// that a closed session has ended before dropping it from the registry anyway.
const DefaultEndWait = 2 * time.Second

// Registry holds the live sessions. The map is guarded by mu; each session guards
// its own fields, so hot-path counters never touch the registry lock.
type Registry struct {
	mu   sync.RWMutex
	byID map[string]*Session

	// Now is the clock; tests may replace it before use.
	Now func() time.Time
	// Node names this server in its sessions' snapshots; set it before use.
	Node string
	// EndWait bounds how long Disconnect waits for a closed session to end.
	EndWait time.Duration
	// OnEnd, when set before use, receives each session's last snapshot as it
	// leaves the registry. It runs on the FTP side's goroutine: it must not block.
	OnEnd func(Snapshot)
	// OnLogin, when set before use, receives a session's snapshot as it logs
	// in. It runs on the FTP side's goroutine: it must not block.
	OnLogin func(Snapshot)

	watchers Watchers
	traffic  trafficHistory
	counts   counters
	maint    maintenance
	maxRate  maxRate
}

// NewRegistry returns an empty registry using the wall clock.
func NewRegistry() *Registry {
	return &Registry{byID: make(map[string]*Session), Now: time.Now, EndWait: DefaultEndWait}
}

// Add registers a new session.
func (r *Registry) Add(s *Session) {
	s.node = r.Node
	s.maxRate = &r.maxRate
	s.changed = r.watchers.Notify
	s.loggedIn = r.loggedIn
	r.mu.Lock()
	r.byID[s.id] = s
	r.mu.Unlock()
	r.watchers.Notify()
}

// loggedIn counts a login and tells OnLogin.
func (r *Registry) loggedIn(s *Session) {
	r.counts.logins.Add(1)
	if r.OnLogin != nil {
		r.OnLogin(s.Snapshot(r.Now()))
	}
}

// Remove takes a session out of the registry and marks it ended. Removing a session
// twice, or one that was never added, is harmless.
func (r *Registry) Remove(s *Session) {
	// counts.mu spans the delete and the count, so Totals never sees a session
	// both live and ended.
	r.counts.mu.Lock()
	r.mu.Lock()
	removed := r.byID[s.id] == s
	if removed {
		delete(r.byID, s.id)
	}
	r.mu.Unlock()
	var final Snapshot
	if removed {
		s.EndedBy(EndClientDropped) // unless something said otherwise
		final = s.Snapshot(r.Now())
		r.counts.ended(final)
	}
	r.counts.mu.Unlock()
	if removed {
		if r.OnEnd != nil {
			r.OnEnd(final)
		}
		r.watchers.Notify()
	}
	// A transfer cut short by the end no longer takes a share of the cap.
	s.mu.Lock()
	s.leaveCap()
	s.mu.Unlock()
	s.End()
}

// Len is the number of live sessions.
func (r *Registry) Len() int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return len(r.byID)
}

func (r *Registry) lookup(id string) *Session {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.byID[id]
}

func (r *Registry) all() []*Session {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]*Session, 0, len(r.byID))
	for _, s := range r.byID {
		out = append(out, s)
	}
	return out
}

// Get returns a snapshot of one session within scope.
func (r *Registry) Get(id string, scope Scope) (Snapshot, error) {
	s := r.lookup(id)
	if s == nil || s.closing.Load() {
		return Snapshot{}, ErrNotFound
	}
	snap := s.Snapshot(r.Now())
	if !scope.Allows(snap) {
		return Snapshot{}, ErrNotFound
	}
	return snap, nil
}

// List returns snapshots of the sessions within scope that pass the filter, oldest
// connection first. Sessions being disconnected are left out.
func (r *Registry) List(scope Scope, filter Filter) []Snapshot {
	now := r.Now()
	// Sorted before the snapshots are taken, on small keys of fields that never
	// change: sorting the snapshots themselves (hundreds of bytes each, moved
	// with write barriers) took most of the time of a list of 10,000.
	type key struct {
		at int64
		s  *Session
	}
	sessions := r.all()
	keys := make([]key, len(sessions))
	for i, s := range sessions {
		keys[i] = key{s.connectedAt.UnixNano(), s}
	}
	slices.SortFunc(keys, func(a, b key) int {
		if c := cmp.Compare(a.at, b.at); c != 0 {
			return c
		}
		return cmp.Compare(a.s.id, b.s.id)
	})
	out := make([]Snapshot, 0, len(sessions))
	for _, k := range keys {
		s := k.s
		if s.closing.Load() {
			continue
		}
		if snap := s.Snapshot(now); scope.Allows(snap) && filter.Match(snap) {
			out = append(out, snap)
		}
	}
	return out
}

// Disconnect closes a session within scope on behalf of a panel user, and waits
// until it has ended. It returns the session as it was just before the close. Of
// two callers racing to disconnect the same session, one succeeds and the other
// gets ErrNotFound. A message, when not "", is cleaned by CleanMessage, told to
// the client before the close and kept in the session's end reason.
func (r *Registry) Disconnect(id string, scope Scope, by, message string) (Snapshot, error) {
	closed := r.DisconnectIDs([]string{id}, scope, by, message)
	if len(closed) == 0 {
		return Snapshot{}, ErrNotFound
	}
	return closed[0], nil
}

// DisconnectIDs closes the sessions with these IDs that are within scope, all
// at once, then waits once until they have ended; IDs unknown, ended, out of
// scope or being disconnected by someone else are passed over. It returns what
// it closed, in the order of ids.
func (r *Registry) DisconnectIDs(ids []string, scope Scope, by, message string) []Snapshot {
	// Look up under the read lock and close after releasing it: closing calls back
	// into Remove, which takes the write lock.
	var sessions []*Session
	for _, id := range ids {
		if s := r.lookup(id); s != nil {
			sessions = append(sessions, s)
		}
	}
	return r.disconnect(sessions, scope, Filter{}, by, message)
}

// DisconnectMatching closes every session within scope that passes the filter,
// all at once, and waits until they have ended. It returns what it closed.
func (r *Registry) DisconnectMatching(scope Scope, filter Filter, by, message string) []Snapshot {
	return r.disconnect(r.all(), scope, filter, by, message)
}

// disconnect closes each of sessions that is within scope and passes the filter,
// and only then waits for them: the FTP side ends them in parallel.
func (r *Registry) disconnect(sessions []*Session, scope Scope, filter Filter, by, message string) []Snapshot {
	now := r.Now()
	reason := EndReason{Kind: EndDisconnected, By: by, Message: CleanMessage(message)}
	var closed []*Session
	var snaps []Snapshot
	for _, s := range sessions {
		snap := s.Snapshot(now)
		if scope.Allows(snap) && filter.Match(snap) && r.close(s, reason) {
			closed = append(closed, s)
			snaps = append(snaps, snap)
		}
	}
	r.awaitEnd(closed)
	return snaps
}

// End closes a session for the server's own reason (an idle timeout, a disabled
// account) without waiting for it to end; it reports whether it did.
func (r *Registry) End(id string, kind EndKind) bool {
	s := r.lookup(id)
	return s != nil && r.close(s, EndReason{Kind: kind})
}

// close closes a session unless someone else already is; it reports whether it did.
func (r *Registry) close(s *Session, reason EndReason) bool {
	if !s.closing.CompareAndSwap(false, true) {
		return false
	}
	s.endWith(reason)
	r.watchers.Notify()
	s.kill()
	s.closeFunc()
	return true
}

// awaitEnd waits, up to EndWait in all, for closed sessions to end.
func (r *Registry) awaitEnd(sessions []*Session) {
	if len(sessions) == 0 {
		return
	}
	t := time.NewTimer(r.EndWait)
	defer t.Stop()
	expired := false
	for _, s := range sessions {
		if !expired {
			select {
			case <-s.done:
				continue
			case <-t.C:
				expired = true
			}
		}
		select {
		case <-s.done:
		default:
			// The FTP side has not confirmed the end yet; the connection is closed,
			// so the row must go now. Its own Remove will find nothing left to do.
			r.Remove(s)
		}
	}
}

// Shutdown closes every session and waits for them to end or for ctx to expire.
func (r *Registry) Shutdown(ctx context.Context) error {
	r.maint.mu.Lock()
	if r.maint.timer != nil { // a maintenance deadline has nothing left to end
		r.maint.timer.Stop()
		r.maint.timer = nil
	}
	r.maint.mu.Unlock()
	sessions := r.all()
	for _, s := range sessions {
		r.close(s, EndReason{Kind: EndServerShutdown})
	}
	for _, s := range sessions {
		select {
		case <-s.done:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// Scope says whose sessions a panel user may see and disconnect.
type Scope struct {
	all      bool
	customer string
}

// AllSessions is the scope of an administrator.
func AllSessions() Scope { return Scope{all: true} }

// CustomerSessions is the scope of one hosting customer: the logged-in sessions of
// that customer's FTP accounts.
func CustomerSessions(customer string) Scope { return Scope{customer: customer} }

// All reports whether the scope is an administrator's: every session.
func (sc Scope) All() bool { return sc.all }

// Customer is the customer whose sessions the scope holds; "" for an
// administrator's scope and for the scope that holds nothing.
func (sc Scope) Customer() string { return sc.customer }

// Allows reports whether a session is within the scope.
func (sc Scope) Allows(s Snapshot) bool {
	if sc.all {
		return true
	}
	return sc.customer != "" && s.Customer == sc.customer
}

// drainPoll is how often Drain looks for transfers that have ended.
const drainPoll = 50 * time.Millisecond

// Drain closes every session that is not transferring at once, and each of the
// others as soon as its transfer ends, until none is left, grace has passed or
// ctx expires; Shutdown then ends what is left. With grace 0 it does nothing.
func (r *Registry) Drain(ctx context.Context, grace time.Duration) {
	if grace <= 0 {
		return
	}
	deadline := time.NewTimer(grace)
	defer deadline.Stop()
	tick := time.NewTicker(drainPoll)
	defer tick.Stop()
	for {
		busy := 0
		now := r.Now()
		for _, s := range r.all() {
			switch s.Snapshot(now).State {
			case StateUploading, StateDownloading, StateListing:
				busy++
			default:
				r.close(s, EndReason{Kind: EndServerShutdown})
			}
		}
		if busy == 0 {
			return
		}
		select {
		case <-tick.C:
		case <-deadline.C:
			return
		case <-ctx.Done():
			return
		}
	}
}
