package session

import (
	"cmp"
	"slices"
)

// Summary counts a list of sessions.
type Summary struct {
	Sessions  int
	Users     int     // distinct logins
	Transfers int     // sessions uploading or downloading
	Rate      float64 // bytes per second over the last few seconds, all together
}

// Page returns one page of the sessions within scope, oldest connection first
// as List orders them, and a summary of all of them. Pages hold size sessions
// (at least one); page counts from 1 and is brought within the pages there
// are; first is the index of the page's first session in the whole list.
// Sessions being disconnected are left out.
//
// Only the page's sessions are copied: the panel's default view of 10,000
// sessions would otherwise snapshot all of them (3.6 MB) to show 100.
func (r *Registry) Page(scope Scope, page, size int) (rows []Snapshot, first int, sum Summary) {
	now := r.Now()
	type key struct {
		at int64
		s  *Session
	}
	sessions := r.all()
	keys := make([]key, 0, len(sessions))
	var count summer
	for _, s := range sessions {
		if s.closing.Load() {
			continue
		}
		s.mu.Lock()
		login, customer, state, rate := s.login, s.customer, s.state, s.rate.perSecond()
		s.mu.Unlock()
		if !scope.all && (scope.customer == "" || customer != scope.customer) {
			continue
		}
		keys = append(keys, key{s.connectedAt.UnixNano(), s})
		count.add(login, state, rate)
	}
	sum = count.summary()

	size = max(size, 1)
	pages := max(1, (len(keys)+size-1)/size)
	page = min(max(page, 1), pages)
	first = (page - 1) * size
	last := min(first+size, len(keys))
	slices.SortFunc(keys, func(a, b key) int {
		if c := cmp.Compare(a.at, b.at); c != 0 {
			return c
		}
		return cmp.Compare(a.s.id, b.s.id)
	})
	rows = make([]Snapshot, 0, last-first)
	for _, k := range keys[first:last] {
		rows = append(rows, k.s.Snapshot(now))
	}
	return rows, first, sum
}

// Summarize counts snapshots as Page counts the sessions it pages through.
func Summarize(snaps []Snapshot) Summary {
	var count summer
	for _, s := range snaps {
		count.add(s.Login, s.State, s.Rate)
	}
	return count.summary()
}

// summer adds sessions up into a Summary.
type summer struct {
	sum   Summary
	users map[string]struct{}
}

func (m *summer) add(login string, state State, rate float64) {
	m.sum.Sessions++
	if login != "" {
		if m.users == nil {
			m.users = make(map[string]struct{})
		}
		m.users[login] = struct{}{}
	}
	if state == StateUploading || state == StateDownloading {
		m.sum.Transfers++
	}
	m.sum.Rate += rate
}

func (m *summer) summary() Summary {
	m.sum.Users = len(m.users)
	return m.sum
}
