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
	// EndWait bounds how long Disconnect waits for a closed session to end.
	EndWait time.Duration
}

// NewRegistry returns an empty registry using the wall clock.
func NewRegistry() *Registry {
	return &Registry{byID: make(map[string]*Session), Now: time.Now, EndWait: DefaultEndWait}
}

// Add registers a new session.
func (r *Registry) Add(s *Session) {
	r.mu.Lock()
	r.byID[s.id] = s
	r.mu.Unlock()
}

// Remove takes a session out of the registry and marks it ended. Removing a session
// twice, or one that was never added, is harmless.
func (r *Registry) Remove(s *Session) {
	r.mu.Lock()
	if r.byID[s.id] == s {
		delete(r.byID, s.id)
	}
	r.mu.Unlock()
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

// List returns snapshots of the sessions within scope, oldest connection first.
// Sessions being disconnected are left out.
func (r *Registry) List(scope Scope) []Snapshot {
	now := r.Now()
	sessions := r.all()
	out := make([]Snapshot, 0, len(sessions))
	for _, s := range sessions {
		if s.closing.Load() {
			continue
		}
		if snap := s.Snapshot(now); scope.Allows(snap) {
			out = append(out, snap)
		}
	}
	slices.SortFunc(out, func(a, b Snapshot) int {
		return cmp.Or(a.ConnectedAt.Compare(b.ConnectedAt), cmp.Compare(a.ID, b.ID))
	})
	return out
}

// Disconnect closes a session within scope and waits until it has ended. It returns
// the session as it was just before the close. Of two callers racing to disconnect
// the same session, one succeeds and the other gets ErrNotFound.
func (r *Registry) Disconnect(id string, scope Scope) (Snapshot, error) {
	// Look up under the read lock and close after releasing it: closing calls back
	// into Remove, which takes the write lock.
	s := r.lookup(id)
	if s == nil {
		return Snapshot{}, ErrNotFound
	}
	snap := s.Snapshot(r.Now())
	if !scope.Allows(snap) || !s.closing.CompareAndSwap(false, true) {
		return Snapshot{}, ErrNotFound
	}
	s.closeFunc()
	r.awaitEnd(s)
	return snap, nil
}

func (r *Registry) awaitEnd(s *Session) {
	t := time.NewTimer(r.EndWait)
	defer t.Stop()
	select {
	case <-s.done:
	case <-t.C:
		// The FTP side has not confirmed the end yet; the connection is closed, so the
		// row must go now. Its own Remove will find nothing left to do.
		r.Remove(s)
	}
}

// Shutdown closes every session and waits for them to end or for ctx to expire.
func (r *Registry) Shutdown(ctx context.Context) error {
	sessions := r.all()
	for _, s := range sessions {
		if s.closing.CompareAndSwap(false, true) {
			s.closeFunc()
		}
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

// Allows reports whether a session is within the scope.
func (sc Scope) Allows(s Snapshot) bool {
	if sc.all {
		return true
	}
	return sc.customer != "" && s.Customer == sc.customer
}
