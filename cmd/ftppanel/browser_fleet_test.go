package main

import (
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/ftppanel/ftppanel/internal/panel"
	"github.com/ftppanel/ftppanel/internal/session"
	"github.com/ftppanel/ftppanel/internal/store"
)

// fleetView stands in for the fleet layer's view of the nodes, so that the
// browser sees what a fleet's panel shows (internal/fleet's tests run real
// NATS and real nodes): b up, c down, and the fleet out of reach when told.
type fleetView struct {
	mu          sync.Mutex
	unreachable time.Time
}

func (f *fleetView) Nodes() []session.NodeInfo {
	now := time.Now()
	return []session.NodeInfo{
		{Name: "a", Version: "dev", UpSince: now.Add(-time.Hour), LastHeard: now, Sessions: 1, Up: true, Self: true},
		{Name: "b", Version: "dev", UpSince: now.Add(-time.Hour), LastHeard: now, Sessions: 1, Transfers: 1, Rate: 4096, Up: true},
		{Name: "c", Version: "dev", UpSince: now.Add(-time.Hour), LastHeard: now.Add(-time.Minute), Sessions: 3},
	}
}

func (f *fleetView) Unreachable() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.unreachable
}

// TestBrowserFleetAccessibility runs axe-core on what only a fleet's panel
// shows: the Node column and filter, each node's figures, a node down, the
// banner of a fleet out of reach, and the nodes page.
func TestBrowserFleetAccessibility(t *testing.T) {
	t.Parallel()
	axe := axeScript(t)
	db, err := store.Open(t.Context(), filepath.Join(t.TempDir(), "ftppanel.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.PasswordCost = bcrypt.MinCost
	const password = "admin-password"
	if err := db.AddAdmin(t.Context(), "admin", password); err != nil {
		t.Fatal(err)
	}
	registry := session.NewRegistry()
	now := time.Now()
	for _, s := range []struct{ node, login, ip string }{{"a", "bob", "192.0.2.1"}, {"b", "carl", "192.0.2.2"}} {
		registry.Node = s.node // names the sessions added from now on
		sess := session.New(s.ip, 40000, now, func() {})
		registry.Add(sess)
		sess.LoggedIn(s.login, "acme", "FileZilla", true, now)
	}
	fleet := &fleetView{}
	srv := httptest.NewServer(panel.New(panel.Config{Store: db, Registry: registry, Fleet: fleet, Node: "a",
		Logger: slog.New(slog.DiscardHandler)}))
	t.Cleanup(srv.Close)
	in := &instance{t: t, panelURL: srv.URL}

	chrome := startChromium(t)
	admin := in.newTab(t, chrome, "admin")
	admin.signIn("admin", password)
	admin.waitUntil("the rows of both nodes", `document.querySelectorAll("tr[data-node]").length === 2`)
	admin.checkAccessibility(axe, "a fleet's sessions list")
	admin.screenshot("fleet-list")

	fleet.mu.Lock()
	fleet.unreachable = now.Add(-2 * time.Minute)
	fleet.mu.Unlock()
	// The list's live part brings the banner without a reload.
	admin.waitUntil("the banner", `document.querySelector('[data-testid="fleet-unreachable"]') !== null`)
	admin.checkAccessibility(axe, "a fleet's sessions list, out of reach")
	// Since when, as HH:MM in the viewer's own time zone.
	clock := fleet.Unreachable().Local().Format("15:04")
	if got := js[string](admin, `document.querySelector('[data-testid="fleet-unreachable"]').textContent`); !strings.Contains(got, "fleet unreachable since "+clock) {
		t.Errorf("the banner says %q, want since %s", got, clock)
	}
	admin.open("/nodes")
	admin.checkAccessibility(axe, "a fleet's nodes page, out of reach")
	admin.screenshot("fleet-nodes")

	// History and audit rows of both nodes: the Node column and filter.
	for i, node := range []string{"a", "b"} {
		if err := db.RecordHistory(t.Context(), []store.HistoryEntry{{SessionID: "S" + node, FTPLogin: "bob", Customer: "acme",
			RemoteIP: "192.0.2.1", ConnectedAt: now, EndedAt: now.Add(time.Duration(i) * time.Second), EndReason: "quit", Node: node}}); err != nil {
			t.Fatal(err)
		}
		if err := db.RecordAudit(t.Context(), store.AuditEntry{Actor: "admin", Action: "disconnect", FTPLogin: "bob",
			Customer: "acme", Detail: "idle", Node: node}); err != nil {
			t.Fatal(err)
		}
	}
	for _, page := range []string{"/history", "/audit"} {
		admin.open(page)
		admin.waitUntil("the Node column of "+page, `document.querySelectorAll("td.node").length === 2`)
		admin.checkAccessibility(axe, "a fleet's "+page+" page")
		admin.screenshot("fleet" + strings.ReplaceAll(page, "/", "-"))
	}

	admin.phone()
	admin.open("/sessions?node=b")
	admin.checkAccessibility(axe, "a fleet's sessions list on a phone")
	admin.screenshot("phone-fleet-list")

	if got := js[[]string](admin, `Array.from(document.querySelectorAll("tr[data-node]"), r => r.dataset.node)`); !slices.Equal(got, []string{"b"}) {
		t.Errorf("?node=b shows rows of %q", got)
	}
}
