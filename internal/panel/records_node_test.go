package panel

import (
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ftppanel/ftppanel/internal/store"
)

var (
	historyNodeRE = regexp.MustCompile(`<tr data-ended-session="([^"]+)" data-node="([^"]*)"`)
	auditNodeRE   = regexp.MustCompile(`<tr data-audit-id="[0-9]+" data-node="([^"]*)"`)
)

// TestRecordsNameTheirNode: in a fleet, an admin's history and audit pages have
// a Node column and a Node filter; a customer's, and a single node's, do not.
func TestRecordsNameTheirNode(t *testing.T) {
	f, _ := fleetFixture(t, threeNodes())
	ctx := t.Context()
	base := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	for i, node := range []string{"a", "b"} {
		if err := f.db.RecordHistory(ctx, []store.HistoryEntry{{SessionID: "S" + node, FTPLogin: "bob", Customer: "acme",
			RemoteIP: "192.0.2.9", ConnectedAt: base, EndedAt: base.Add(time.Duration(i) * time.Minute), EndReason: "quit", Node: node}}); err != nil {
			t.Fatal(err)
		}
		if err := f.db.RecordAudit(ctx, store.AuditEntry{Actor: "root", Action: "disconnect", FTPLogin: "bob",
			Customer: "acme", Detail: "idle", Node: node}); err != nil {
			t.Fatal(err)
		}
	}
	historyNodes := func(page string) []string {
		var out []string
		for _, m := range historyNodeRE.FindAllStringSubmatch(page, -1) {
			out = append(out, m[2])
		}
		return out
	}
	auditNodes := func(page string) []string {
		var out []string
		for _, m := range auditNodeRE.FindAllStringSubmatch(page, -1) {
			out = append(out, m[1])
		}
		return out
	}
	get := func(who, path string) string {
		t.Helper()
		a := f.as(t, who, http.MethodGet, path, nil)
		if a.status != http.StatusOK {
			t.Fatalf("GET %s as %s: status %d", path, who, a.status)
		}
		return a.body
	}

	page := get("root", "/history")
	if got := historyNodes(page); !slices.Equal(got, []string{"b", "a"}) {
		t.Errorf("history rows' nodes %v, want b then a", got)
	}
	if !strings.Contains(page, `<th scope="col">Node</th>`) || !strings.Contains(page, `<td data-label="Node" class="node">b</td>`) ||
		!strings.Contains(page, `<select id="filter-node" name="node">`) {
		t.Errorf("an admin's history in a fleet has no Node column or filter:\n%s", page)
	}
	if got := historyNodes(get("root", "/history?node=a")); !slices.Equal(got, []string{"a"}) {
		t.Errorf("history ?node=a lists nodes %v, want a alone", got)
	}
	page = get("root", "/audit")
	if got := auditNodes(page); !slices.Equal(got, []string{"b", "a"}) {
		t.Errorf("audit rows' nodes %v, want b then a", got)
	}
	if !strings.Contains(page, `<th scope="col">Node</th>`) || !strings.Contains(page, `<select id="filter-node" name="node">`) {
		t.Errorf("an admin's audit log in a fleet has no Node column or filter:\n%s", page)
	}
	if got := auditNodes(get("root", "/audit?node=b")); !slices.Equal(got, []string{"b"}) {
		t.Errorf("audit ?node=b lists nodes %v, want b alone", got)
	}

	// A customer sees its rows from every node, without the column or filter.
	for _, path := range []string{"/history?node=a", "/audit?node=a"} {
		page := get("acme", path)
		if strings.Contains(page, `<th scope="col">Node</th>`) || strings.Contains(page, `filter-node`) {
			t.Errorf("%s: a customer sees the Node column or filter", path)
		}
		if n := len(historyNodes(page)) + len(auditNodes(page)); n != 2 {
			t.Errorf("%s as a customer: %d rows, want both nodes' (the node filter is an admin's)", path, n)
		}
	}

	single := newAuthzFixture(t, newAuthzTemplate(t))
	for _, path := range []string{"/history", "/audit"} {
		a := single.as(t, "root", http.MethodGet, path, nil)
		if strings.Contains(a.body, `<th scope="col">Node</th>`) || strings.Contains(a.body, `filter-node`) {
			t.Errorf("%s on a single node shows a Node column or filter", path)
		}
	}
}
