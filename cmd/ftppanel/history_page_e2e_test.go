package main

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ftppanel/ftppanel/internal/store"
)

func TestHistoryPage(t *testing.T) {
	t.Parallel()
	in := start(t)
	in.addCustomer("acme")
	in.addCustomer("globex")
	in.addFTPUser("bob", "acme")
	in.addFTPUser("carol", "globex")

	for _, path := range []string{"/history", "/audit", "/history?login=bob"} {
		if r := in.browser().get(path); r.status != http.StatusSeeOther || r.location != "/login" {
			t.Errorf("signed out, GET %s: status %d to %q, want 303 to /login", path, r.status, r.location)
		}
	}
	admin := in.signInAdmin()
	if got := emptyStateText(admin.mustPage("/history")); got != "No ended sessions yet" {
		t.Errorf("history with nothing ended says %q", got)
	}

	// bob uploads a file and quits; the admin disconnects carol; someone fails to
	// log in as bob. Each waits for its history row, so the order is known.
	client, control := in.ftpLoginConn("bob")
	if err := client.Stor("report.pdf", bytes.NewReader(make([]byte, 12345))); err != nil {
		t.Fatal(err)
	}
	if err := client.Quit(); err != nil {
		t.Fatal(err)
	}
	quit := in.endedAs(control.LocalAddr())

	carol := in.rawDial()
	carol.login("carol")
	carolID, _ := admin.rowFor("carol")
	admin.mustDisconnect(carolID)
	disconnected := in.endedAs(carol.conn.LocalAddr())

	stranger := in.rawDial()
	stranger.cmd(331, "USER bob")
	stranger.cmd(530, "PASS wrong-password")
	failed := in.endedAs(stranger.conn.LocalAddr())

	t.Run("admin sees every ended session, newest first", func(t *testing.T) {
		body := admin.with(t).mustPage("/history")
		rows := recordRows(body, "data-ended-session")
		if got, want := recordIDs(rows), []string{failed.SessionID, disconnected.SessionID, quit.SessionID}; !slices.Equal(got, want) {
			t.Fatalf("history rows %v, want failed login, disconnect, quit: %v", got, want)
		}
		for _, c := range []struct {
			row  recordRow
			want map[string]string
		}{
			{rows[2], map[string]string{"Login": "bob", "Customer": "acme", "From": "127.0.0.1", "How it ended": "quit",
				"Up / down": "12 KiB / 0 B", "Files up / down": "1 / 0"}},
			{rows[1], map[string]string{"Login": "carol", "Customer": "globex", "How it ended": "disconnected by admin",
				"Up / down": "0 B / 0 B", "Files up / down": "0 / 0"}},
			{rows[0], map[string]string{"Login": "(not logged in)", "Customer": "", "How it ended": "login failed"}},
		} {
			for label, want := range c.want {
				if got := c.row.cells[label]; got != want {
					t.Errorf("row %s: %s = %q, want %q", c.row.id, label, got, want)
				}
			}
		}
		for _, want := range []string{
			`<time datetime="` + quit.ConnectedAt.UTC().Format(time.RFC3339) + `"`,
			`<time datetime="` + quit.EndedAt.UTC().Format(time.RFC3339) + `"`,
		} {
			if !strings.Contains(rows[2].html, want) {
				t.Errorf("bob's row lacks %s:\n%s", want, rows[2].html)
			}
		}
		if rows[2].cells["Lasted"] == "" {
			t.Error("bob's row does not say how long the session lasted")
		}
		if got := navCurrent(body); got != "/history" {
			t.Errorf("the header marks %q as the current page, want /history", got)
		}
	})

	t.Run("filters", func(t *testing.T) {
		admin := admin.with(t)
		for _, tc := range []struct {
			query string
			want  []string
		}{
			{"?login=bob", []string{quit.SessionID}}, // the failed attempt never logged in as bob
			{"?login=CAR", []string{disconnected.SessionID}},
			{"?customer=globex", []string{disconnected.SessionID}},
			{"?reason=disconnected", []string{disconnected.SessionID}},
			{"?reason=quit", []string{quit.SessionID}},
			{"?reason=login+failed", []string{failed.SessionID}},
			{"?ip=127.0.0", []string{failed.SessionID, disconnected.SessionID, quit.SessionID}},
			{"?login=bob&reason=disconnected", nil},
			{"?ip=10.9.", nil},
			{"?reason=&login=&page=1", []string{failed.SessionID, disconnected.SessionID, quit.SessionID}},
		} {
			body := admin.mustPage("/history" + tc.query)
			if got := recordIDs(recordRows(body, "data-ended-session")); !slices.Equal(got, tc.want) {
				t.Errorf("GET /history%s: rows %v, want %v", tc.query, got, tc.want)
			}
			if len(tc.want) == 0 {
				if got := emptyStateText(body); got != "No ended sessions match these filters" {
					t.Errorf("GET /history%s: says %q", tc.query, got)
				}
			}
		}

		// The form shows the filter it applied.
		body := admin.mustPage("/history?login=bob&customer=acme&ip=127&reason=quit")
		for _, want := range []string{`name="login" type="search" value="bob"`, `name="customer" type="search" value="acme"`,
			`name="ip" type="search" value="127"`, `<option value="quit" selected>`, `href="/history">Clear filters`} {
			if !strings.Contains(body, want) {
				t.Errorf("the filter form lacks %s", want)
			}
		}
		_, reasons, _ := strings.Cut(body, `<select id="filter-reason"`)
		reasons, _, _ = strings.Cut(reasons, "</select>")
		if strings.Count(reasons, " selected") != 1 {
			t.Errorf("the reason list has %d selected options, want 1", strings.Count(reasons, " selected"))
		}
	})

	t.Run("bad parameters", func(t *testing.T) {
		admin := admin.with(t)
		for _, query := range []string{"?page=-1", "?page=0", "?page=abc", "?page=1.5", "?page=99999999999999999999",
			"?page=1000001", "?reason=bogus", "?reason=disconnected+by+admin", "?reason=QUIT"} {
			r := admin.get("/history" + query)
			if r.status != http.StatusBadRequest || !strings.Contains(r.body, `data-testid="error-message"`) {
				t.Errorf("GET /history%s: status %d, want 400 with a message", query, r.status)
			}
		}
		if r := admin.get("/history?page=1000000"); r.status != http.StatusOK || emptyStateText(r.body) != "No ended sessions on this page" {
			t.Errorf("a page past the end: status %d, says %q", r.status, emptyStateText(r.body))
		}
	})

	t.Run("a customer sees its own sessions only", func(t *testing.T) {
		acme := in.with(t).signIn("acme", "acme-password")
		for _, query := range []string{"", "?customer=globex", "?customer=", "?customer=globex&customer=acme", "?ip=127"} {
			body := acme.mustPage("/history" + query)
			rows := recordRows(body, "data-ended-session")
			if got := recordIDs(rows); !slices.Equal(got, []string{quit.SessionID}) {
				t.Errorf("acme, GET /history%s: rows %v, want only bob's %s", query, got, quit.SessionID)
			}
			if strings.Contains(body, "globex") || strings.Contains(body, "carol") || strings.Contains(body, "(not logged in)") {
				t.Errorf("acme, GET /history%s: the page names another customer's session or a failed login", query)
			}
			if strings.Contains(body, `name="customer"`) || (len(rows) > 0 && rows[0].cells["Customer"] != "") {
				t.Errorf("acme, GET /history%s: a customer filter or column for a customer", query)
			}
		}
		if got := recordIDs(recordRows(acme.mustPage("/history?reason=login+failed"), "data-ended-session")); len(got) != 0 {
			t.Errorf("acme sees failed logins: %v", got)
		}
		globex := in.with(t).signIn("globex", "globex-password")
		if got := recordIDs(recordRows(globex.mustPage("/history?customer=acme"), "data-ended-session")); !slices.Equal(got, []string{disconnected.SessionID}) {
			t.Errorf("globex sees %v, want only carol's %s", got, disconnected.SessionID)
		}
	})
}

// TestHistoryPagesKeepFilters pages through more ended sessions than one page
// holds, with a filter, as Newer and Older lead.
func TestHistoryPagesKeepFilters(t *testing.T) {
	t.Parallel()
	in := start(t)
	in.addCustomer("acme")
	db := in.openDB()
	now := time.Now().UTC().Truncate(time.Second)
	var entries []store.HistoryEntry
	add := func(n int, login, customer, reason string) {
		for range n {
			i := len(entries)
			entries = append(entries, store.HistoryEntry{
				SessionID: fmt.Sprintf("S%03d", i), FTPLogin: login, Customer: customer, RemoteIP: "192.0.2.1",
				RemotePort: 40000 + i, ConnectedAt: now.Add(-time.Hour), EndedAt: now.Add(-time.Duration(i) * time.Second),
				EndReason: reason,
			})
		}
	}
	add(150, "bulk", "acme", "quit")
	add(20, "bulk", "acme", "idle timeout")
	add(30, "other", "acme", "quit")
	add(5, "bulk", "globex", "quit")
	if err := db.RecordHistory(t.Context(), entries); err != nil {
		t.Fatal(err)
	}
	admin := in.signInAdmin()

	first := admin.mustPage("/history?login=bulk&reason=quit&customer=acme")
	page1 := recordRows(first, "data-ended-session")
	if len(page1) != 100 || page1[0].id != "S000" || page1[99].id != "S099" {
		t.Fatalf("page 1: %d rows from %v; want S000 to S099", len(page1), recordIDs(page1)[:min(3, len(page1))])
	}
	if got := recordLink(first, "newer"); got != "" {
		t.Errorf("page 1 links to a newer page: %q", got)
	}
	older := recordLink(first, "older")
	if want := "/history?customer=acme&login=bulk&page=2&reason=quit"; older != want {
		t.Fatalf("page 1 links to older sessions at %q, want %q", older, want)
	}
	if !strings.Contains(first, "Ended sessions 1–100 on this server") {
		t.Error("page 1 does not say it shows sessions 1 to 100")
	}

	second := admin.mustPage(older)
	page2 := recordRows(second, "data-ended-session")
	if len(page2) != 50 || page2[0].id != "S100" || page2[49].id != "S149" {
		t.Fatalf("page 2: %d rows; want S100 to S149", len(page2))
	}
	for _, r := range append(page1, page2...) {
		if r.cells["Login"] != "bulk" || r.cells["How it ended"] != "quit" || r.cells["Customer"] != "acme" {
			t.Errorf("row %s is %v, outside the filter", r.id, r.cells)
		}
	}
	if got := recordLink(second, "older"); got != "" {
		t.Errorf("the last page links to older sessions: %q", got)
	}
	if got, want := recordLink(second, "newer"), "/history?customer=acme&login=bulk&reason=quit"; got != want {
		t.Errorf("page 2 links to newer sessions at %q, want %q", got, want)
	}
	for _, want := range []string{`value="bulk"`, `<option value="quit" selected>`, "Ended sessions 101–150 "} {
		if !strings.Contains(second, want) {
			t.Errorf("page 2 lacks %q", want)
		}
	}

	// A customer's links never carry a customer, even when its URL does.
	acme := in.signIn("acme", "acme-password")
	body := acme.mustPage("/history?customer=globex&login=bulk")
	if got, want := recordLink(body, "older"), "/history?login=bulk&page=2"; got != want {
		t.Errorf("acme's older link is %q, want %q", got, want)
	}
	rows := recordRows(acme.mustPage("/history?login=bulk&page=2"), "data-ended-session")
	if len(rows) != 70 {
		t.Errorf("acme's page 2 of bulk has %d rows, want 70 (170 of acme's, none of globex's)", len(rows))
	}
	for _, r := range rows {
		if r.id >= "S200" {
			t.Errorf("acme sees globex's session %s", r.id)
		}
	}
	if u, _ := url.Parse(recordLink(body, "older")); u.Query().Has("customer") {
		t.Error("acme's pager carries a customer")
	}
}
