package panel

import (
	"net/http"
	"net/url"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/ftppanel/ftppanel/internal/session"
)

// Ticking many rows closes every ticked session before waiting for any to end,
// audits each, and leaves another customer's ticked session alone. The FTP side
// of each session here ends it only once every close was called; a handler that
// waited between closes would find its waits run out and sessions dropped before
// the last close.
func TestDisconnectTickedRowsClosesAllThenWaits(t *testing.T) {
	f := newAuthzFixture(t, newAuthzTemplate(t))
	f.registry.EndWait = time.Millisecond // a wait between closes runs out at once
	const n = 12
	release := make(chan struct{})
	var mu sync.Mutex
	var acme []*session.Session
	closes := 0
	closeAll := func() {
		mu.Lock()
		defer mu.Unlock()
		closes++
		if closes < n {
			return
		}
		for i, s := range acme {
			select {
			case <-s.Done():
				t.Errorf("session %d ended before the last close: closes and waits took turns", i)
			default:
			}
		}
		close(release)
	}
	now := time.Now()
	for range n {
		var s *session.Session
		s = session.New("192.0.2.7", 40000, now, func() {
			closeAll()
			go func() {
				<-release
				f.registry.Remove(s)
			}()
		})
		f.registry.Add(s)
		s.LoggedIn("bob", "acme", "", false, now)
		acme = append(acme, s)
	}
	// f.bob, acme's too, is not ticked: it must stay.
	ticked := url.Values{}
	for _, s := range acme {
		ticked.Add("id", s.ID())
	}

	t.Run("another customer's ticked rows are refused", func(t *testing.T) {
		form := url.Values{"confirm": {"yes"}, "id": ticked["id"]}
		if a := f.as(t, "globex", http.MethodPost, "/sessions/disconnect", form); a.status != http.StatusNotFound {
			t.Errorf("globex ticking acme's sessions: status %d, want 404", a.status)
		}
		if f.registry.Len() != n+2 {
			t.Errorf("%d sessions live, want all %d", f.registry.Len(), n+2)
		}
	})

	t.Run("every ticked row", func(t *testing.T) {
		before, err := f.db.AuditEntries(t.Context(), 1000)
		if err != nil {
			t.Fatal(err)
		}
		form := url.Values{"confirm": {"yes"}, "id": append(slices.Clone(ticked["id"]), f.gina.ID())}
		if a := f.as(t, "acme", http.MethodPost, "/sessions/disconnect", form); a.status != http.StatusSeeOther || a.location != "/sessions" {
			t.Fatalf("status %d to %q, want 303 to /sessions\n%s", a.status, a.location, a.body)
		}
		audited := map[string]int{}
		after, err := f.db.AuditEntries(t.Context(), 1000)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range after[:len(after)-len(before)] {
			if e.Actor == "acme" && e.Action == "disconnect" && e.FTPLogin == "bob" && e.Customer == "acme" {
				audited[e.SessionID]++
			}
		}
		for i, s := range acme {
			select {
			case <-s.Done():
			default:
				t.Errorf("session %d still live", i)
			}
			if got := s.Snapshot(time.Now()).EndReason.String(); got != "disconnected by acme" {
				t.Errorf("session %d ended as %q", i, got)
			}
			if audited[s.ID()] != 1 {
				t.Errorf("session %d audited %d times, want once", i, audited[s.ID()])
			}
		}
		if len(after)-len(before) != n {
			t.Errorf("%d audit entries, want one per ticked session of acme (%d)", len(after)-len(before), n)
		}
		if _, err := f.registry.Get(f.gina.ID(), session.AllSessions()); err != nil {
			t.Error("globex's ticked session was disconnected by acme")
		}
		if _, err := f.registry.Get(f.bob.ID(), session.AllSessions()); err != nil {
			t.Error("acme's unticked session was disconnected")
		}
	})
}
