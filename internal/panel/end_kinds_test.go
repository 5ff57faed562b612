package panel

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ftppanel/ftppanel/internal/session"
	"github.com/ftppanel/ftppanel/internal/store"
)

// Every kind of end on session.EndKinds is counted and is a choice of the
// history filter that finds the sessions that ended so: a kind added to the list
// but left out of one of them fails here (its metrics series: ftpmetrics's
// TestEveryEndKindHasItsSeries).
func TestEveryEndKindIsCountedShownAndFiltered(t *testing.T) {
	f := newAuthzFixture(t, newAuthzTemplate(t))
	kinds := session.EndKinds()
	now := time.Now()
	for _, k := range kinds {
		s := f.addSession("192.0.2.9", "bob", "acme", now)
		if k == session.EndDisconnected {
			if _, err := f.registry.Disconnect(s.ID(), session.AllSessions(), "root", ""); err != nil {
				t.Fatal(err)
			}
		} else if !f.registry.End(s.ID(), k) {
			t.Fatalf("End(%q) ended nothing", k)
		}
		<-s.Done()
	}

	t.Run("counters", func(t *testing.T) {
		totals := f.registry.Totals()
		for _, k := range kinds {
			if totals.EndedBy[k] != 1 {
				t.Errorf("Totals.EndedBy[%q] = %d, want 1", k, totals.EndedBy[k])
			}
		}
	})

	t.Run("history filter", func(t *testing.T) {
		base := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
		var entries []store.HistoryEntry
		for i, k := range kinds {
			reason := session.EndReason{Kind: k}
			if k == session.EndDisconnected {
				reason.By = "quitterie" // a name that holds another kind
			}
			entries = append(entries, store.HistoryEntry{SessionID: "S" + strconv.Itoa(i), FTPLogin: "bob", Customer: "acme",
				RemoteIP: "192.0.2.9", ConnectedAt: base, EndedAt: base.Add(time.Duration(i) * time.Minute), EndReason: reason.String()})
		}
		if err := f.db.RecordHistory(t.Context(), entries); err != nil {
			t.Fatal(err)
		}
		page := f.as(t, "root", http.MethodGet, "/history", nil)
		sel := regexp.MustCompile(`(?s)<select id="filter-reason".*?</select>`).FindString(page.body)
		var options []string
		for _, m := range regexp.MustCompile(`<option value="([^"]+)"`).FindAllStringSubmatch(sel, -1) {
			options = append(options, m[1])
		}
		rowRE := regexp.MustCompile(`data-ended-session="([^"]+)"`)
		for i, k := range kinds {
			if !slices.Contains(options, string(k)) {
				t.Errorf("the history filter offers no %q: %v", k, options)
			}
			a := f.as(t, "root", http.MethodGet, "/history?reason="+url.QueryEscape(string(k)), nil)
			var rows []string
			for _, m := range rowRE.FindAllStringSubmatch(a.body, -1) {
				rows = append(rows, m[1])
			}
			if a.status != http.StatusOK || strings.Join(rows, " ") != "S"+strconv.Itoa(i) {
				t.Errorf("history filtered by %q: status %d, rows %v; want S%d alone", k, a.status, rows, i)
			}
		}
		if len(options) != len(kinds) {
			t.Errorf("the history filter offers %d kinds, want %d: %v", len(options), len(kinds), options)
		}
	})
}
