package panel

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ftppanel/ftppanel/internal/session"
)

// The panel's side of a fleet, without NATS: a test double stands in for the
// fleet layer's view of the nodes (internal/fleet's own tests run real NATS),
// and the sessions come from a real registry whose sessions name their node.

// fakeFleet is what the fleet layer tells the panel about the nodes.
type fakeFleet struct {
	mu          sync.Mutex
	nodes       []session.NodeInfo
	unreachable time.Time
}

func (f *fakeFleet) Nodes() []session.NodeInfo {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.nodes)
}

func (f *fakeFleet) Unreachable() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.unreachable
}

var fleetStarted = time.Date(2026, 3, 1, 8, 30, 0, 0, time.UTC)

// threeNodes is a fleet of a (this node), b, and c, which is down.
func threeNodes() *fakeFleet {
	heard := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	return &fakeFleet{nodes: []session.NodeInfo{
		{Name: "c", Version: "v1.2.0", UpSince: fleetStarted, LastHeard: heard.Add(-time.Minute), Sessions: 4, Up: false},
		{Name: "a", Version: "v1.3.0", UpSince: fleetStarted, LastHeard: heard, Sessions: 2, Up: true, Self: true},
		{Name: "b", Version: "v1.3.0", UpSince: fleetStarted, LastHeard: heard, Sessions: 1, Transfers: 1, Rate: 2048, Up: true},
	}}
}

// fleetFixture is the authorization fixture's panel (bob of acme and gina of
// globex on node a, this one) in a fleet, with carl of acme on node b.
func fleetFixture(t *testing.T, fleet Fleet) (*authzFixture, *session.Session) {
	t.Helper()
	f := newAuthzFixture(t, newAuthzTemplate(t), func(c *Config) {
		c.Fleet, c.Node = fleet, "a"
	})
	f.registry.Node = "b" // the registry's node names the sessions added from now on
	carl := f.addSession("192.0.2.3", "carl", "acme", time.Now())
	f.registry.Node = "a"
	return f, carl
}

var sessionRowRE = regexp.MustCompile(`<tr data-session-id="([^"]+)" data-node="([^"]*)"`)

// rowNodes maps each session row of a page to its data-node, and lists the IDs
// in the page's order.
func rowNodes(page string) (map[string]string, []string) {
	nodes := map[string]string{}
	var order []string
	for _, m := range sessionRowRE.FindAllStringSubmatch(page, -1) {
		nodes[m[1]] = m[2]
		order = append(order, m[1])
	}
	return nodes, order
}

func TestSessionRowsNameTheirNode(t *testing.T) {
	t.Run("single node", func(t *testing.T) {
		f := newAuthzFixture(t, newAuthzTemplate(t))
		for _, who := range []string{"root", "acme"} {
			a := f.as(t, who, http.MethodGet, "/sessions", nil)
			nodes, _ := rowNodes(a.body)
			if len(nodes) == 0 || nodes[f.bob.ID()] != "a" {
				t.Errorf("%s: rows %v, want bob's with data-node=\"a\"\n%s", who, nodes, a.body)
			}
			for _, absent := range []string{">Node<", `name="node"`, "node-totals", "fleet-notices", "fleet unreachable", `href="/nodes"`} {
				if strings.Contains(a.body, absent) {
					t.Errorf("%s: a single node's list shows %q", who, absent)
				}
			}
		}
		// A node filter or sort means nothing to a single node: the usual list.
		a := f.as(t, "root", http.MethodGet, "/sessions?node=b&sort=node", nil)
		if nodes, _ := rowNodes(a.body); len(nodes) != 2 || strings.Contains(a.body, "node=b") || strings.Contains(a.body, "sort=node") {
			t.Errorf("?node=b&sort=node on a single node: rows %v\n%s", nodes, a.body)
		}
	})

	t.Run("fleet", func(t *testing.T) {
		f, carl := fleetFixture(t, threeNodes())
		a := f.as(t, "root", http.MethodGet, "/sessions", nil)
		nodes, _ := rowNodes(a.body)
		if want := map[string]string{f.bob.ID(): "a", f.gina.ID(): "a", carl.ID(): "b"}; !mapsEqual(nodes, want) {
			t.Errorf("the admin's rows %v, want %v", nodes, want)
		}
		for _, want := range []string{
			`<th scope="col"><a href="/sessions?sort=node">Node</a></th>`,
			`<td data-label="Node" class="node">b</td>`,
			`<label for="filter-node">Node</label>`,
			`<option value="b">b</option>`,
			`<li data-node="b"><a href="/sessions?node=b">b</a>`,
			`1 session, 1 transfer, 2.0 KiB/s`,
			`<a href="/nodes">Nodes</a>`,
		} {
			if !strings.Contains(a.body, want) {
				t.Errorf("the admin's list lacks %s\n%s", want, a.body)
			}
		}

		// A customer sees its own sessions of every node, each row naming its
		// node, but neither the column, nor the filter, nor the nodes.
		a = f.as(t, "acme", http.MethodGet, "/sessions", nil)
		nodes, _ = rowNodes(a.body)
		if want := map[string]string{f.bob.ID(): "a", carl.ID(): "b"}; !mapsEqual(nodes, want) {
			t.Errorf("acme's rows %v, want %v", nodes, want)
		}
		for _, absent := range []string{">Node<", `name="node"`, "node-totals", `href="/nodes"`, "node c"} {
			if strings.Contains(a.body, absent) {
				t.Errorf("a customer's list shows %q\n%s", absent, a.body)
			}
		}
	})
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func TestSessionsFilterAndSortByNode(t *testing.T) {
	f, carl := fleetFixture(t, threeNodes())

	a := f.as(t, "root", http.MethodGet, "/sessions?node=b", nil)
	if nodes, _ := rowNodes(a.body); !mapsEqual(nodes, map[string]string{carl.ID(): "b"}) {
		t.Errorf("?node=b: rows %v, want carl's alone\n%s", nodes, a.body)
	}
	for _, want := range []string{`<option value="b" selected>b</option>`, `href="/sessions?node=b&amp;sort=login"`, `>Clear</a>`} {
		if !strings.Contains(a.body, want) {
			t.Errorf("?node=b: the page lacks %s", want)
		}
	}
	// An empty filter is no filter.
	if nodes, _ := rowNodes(f.as(t, "root", http.MethodGet, "/sessions?node=", nil).body); len(nodes) != 3 {
		t.Errorf("?node= (empty): %d rows, want all 3", len(nodes))
	}
	a = f.as(t, "root", http.MethodGet, "/sessions?node=x", nil)
	if nodes, _ := rowNodes(a.body); len(nodes) != 0 || !strings.Contains(a.body, "No sessions match these filters") ||
		!strings.Contains(a.body, `<option value="x" selected>x</option>`) {
		t.Errorf("?node=x, a node nobody heard of: rows %v\n%s", nodes, a.body)
	}

	// Sorted by node: a's before b's, and the other way round descending;
	// the pages and the other sort links keep the filter.
	_, order := rowNodes(f.as(t, "root", http.MethodGet, "/sessions?sort=node", nil).body)
	if len(order) != 3 || order[2] != carl.ID() {
		t.Errorf("sorted by node: %v, want carl's (b) last", order)
	}
	_, order = rowNodes(f.as(t, "root", http.MethodGet, "/sessions?sort=node&dir=desc", nil).body)
	if len(order) != 3 || order[0] != carl.ID() {
		t.Errorf("sorted by node, descending: %v, want carl's (b) first", order)
	}

	// A customer's ?node= filters nothing: the filter is the admins'.
	if nodes, _ := rowNodes(f.as(t, "acme", http.MethodGet, "/sessions?node=b&sort=node", nil).body); len(nodes) != 2 {
		t.Errorf("acme's ?node=b: rows %v, want both of acme's", nodes)
	}

	// The live part carries the same view.
	a = f.as(t, "root", http.MethodGet, "/sessions/live?node=b", nil)
	if nodes, _ := rowNodes(strings.ReplaceAll(a.body, "\ndata: ", "")); !mapsEqual(nodes, map[string]string{carl.ID(): "b"}) {
		t.Errorf("/sessions/live?node=b: rows %v\n%s", nodes, a.body)
	}
	if !strings.Contains(a.body, `data-live-part="node-totals"`) || !strings.Contains(a.body, `data-live-part="fleet-notices"`) {
		t.Errorf("the live part lacks the nodes' figures or the fleet's notices\n%s", a.body)
	}
}

func TestFleetBanners(t *testing.T) {
	fleet := threeNodes()
	f, _ := fleetFixture(t, fleet)

	t.Run("a node down", func(t *testing.T) {
		a := f.as(t, "root", http.MethodGet, "/sessions", nil)
		if !strings.Contains(a.body, "node c is down: its sessions are not shown") {
			t.Errorf("the admin is not told that c is down\n%s", a.body)
		}
		if strings.Contains(a.body, "node b is down") || strings.Contains(a.body, "fleet unreachable") {
			t.Error("the admin is told of trouble that is not there")
		}
		a = f.as(t, "acme", http.MethodGet, "/sessions", nil)
		if !strings.Contains(a.body, "A server of the fleet is down: sessions on it are not shown") || strings.Contains(a.body, "node c") {
			t.Errorf("a customer should be told that sessions may be missing, without the node's name\n%s", a.body)
		}
	})

	fleet.mu.Lock()
	fleet.unreachable = time.Date(2026, 3, 1, 14, 7, 30, 0, time.UTC)
	fleet.mu.Unlock()
	t.Run("fleet unreachable", func(t *testing.T) {
		for _, who := range []string{"root", "acme"} {
			for _, path := range []string{"/sessions", "/accounts", "/history", "/audit", "/password", "/tokens"} {
				a := f.as(t, who, http.MethodGet, path, nil)
				if n := strings.Count(a.body, `data-testid="fleet-unreachable"`); n != 1 {
					t.Errorf("%s's %s: %d banners, want 1\n%s", who, path, n, a.body)
				}
				if !strings.Contains(a.body, `fleet unreachable since <time datetime="2026-03-01T14:07:30Z" title="2026-03-01T14:07:30Z" data-clock>14:07 UTC</time>`) ||
					!strings.Contains(a.body, "only the sessions of this node, a,") {
					t.Errorf("%s's %s does not say since when the fleet is out of reach, or what the list shows\n%s", who, path, a.body)
				}
				if !regexp.MustCompile(`<div role="status"><p class="notice warning" data-testid="fleet-unreachable">|` +
					`<div class="fleet-notices" role="status"[^>]*><p class="notice warning" data-testid="fleet-unreachable">`).MatchString(a.body) {
					t.Errorf("%s's %s: the banner is not in a status region", who, path)
				}
			}
		}
		if a := f.as(t, "root", http.MethodGet, "/nodes", nil); !strings.Contains(a.body, "fleet unreachable since") {
			t.Error("the nodes page has no banner")
		}
		// Not for visitors who have not signed in.
		if a := f.as(t, "anonymous", http.MethodGet, "/login", nil); strings.Contains(a.body, "fleet unreachable") {
			t.Error("the sign-in page tells anyone that the fleet is out of reach")
		}
	})

	fleet.mu.Lock()
	fleet.unreachable = time.Time{}
	fleet.mu.Unlock()
	t.Run("reachable again", func(t *testing.T) {
		if a := f.as(t, "root", http.MethodGet, "/accounts", nil); strings.Contains(a.body, "fleet unreachable") {
			t.Error("the banner stays once the fleet is reachable again")
		}
	})
}

var nodeRowRE = regexp.MustCompile(`(?s)<tr data-node="([^"]+)"[^>]*>(.*?)</tr>`)

// nodeRows maps each row of the nodes page to its cells' text.
func nodeRows(page string) map[string][]string {
	rows := map[string][]string{}
	tags := regexp.MustCompile(`<[^>]+>`)
	for _, m := range nodeRowRE.FindAllStringSubmatch(page, -1) {
		for cell := range strings.SplitSeq(m[2], "</td>") {
			if text := strings.Join(strings.Fields(tags.ReplaceAllString(cell, " ")), " "); text != "" {
				rows[m[1]] = append(rows[m[1]], text)
			}
		}
	}
	return rows
}

func TestNodesPage(t *testing.T) {
	t.Run("fleet", func(t *testing.T) {
		f, _ := fleetFixture(t, threeNodes())
		a := f.as(t, "root", http.MethodGet, "/nodes", nil)
		if a.status != http.StatusOK {
			t.Fatalf("status %d\n%s", a.status, a.body)
		}
		rows := nodeRows(a.body)
		want := map[string][]string{
			"a": {"a (this node)", "v1.3.0", "2026-03-01 08:30:00 UTC", "2026-03-01 12:00:00 UTC", "2", "0", "0 B/s", "up"},
			"b": {"b", "v1.3.0", "2026-03-01 08:30:00 UTC", "2026-03-01 12:00:00 UTC", "1", "1", "2.0 KiB/s", "up"},
			"c": {"c", "v1.2.0", "2026-03-01 08:30:00 UTC", "2026-03-01 11:59:00 UTC", "4", "0", "0 B/s", "down"},
		}
		for name, cells := range want {
			if !slices.Equal(rows[name], cells) {
				t.Errorf("node %s: %q, want %q", name, rows[name], cells)
			}
		}
		if len(rows) != 3 || strings.Index(a.body, `data-node="a"`) > strings.Index(a.body, `data-node="c"`) {
			t.Errorf("want the three nodes by name:\n%s", a.body)
		}
		if !strings.Contains(a.body, `<a href="/nodes" aria-current="page">Nodes</a>`) {
			t.Error("the header does not mark Nodes as the current page")
		}
		if a := f.as(t, "acme", http.MethodGet, "/nodes", nil); a.status != http.StatusForbidden || strings.Contains(a.body, "v1.3.0") {
			t.Errorf("a customer's /nodes: status %d, want 403 as for /bans\n%s", a.status, a.body)
		}
	})

	t.Run("single node", func(t *testing.T) {
		f := newAuthzFixture(t, newAuthzTemplate(t), func(c *Config) {
			c.Version, c.Started = "v1.3.0", fleetStarted
		})
		a := f.as(t, "root", http.MethodGet, "/nodes", nil)
		rows := nodeRows(a.body)
		// The registry's name for the node, its sessions, and up, heard now.
		if len(rows) != 1 || !slices.Equal(rows["a"][:3], []string{"a (this node)", "v1.3.0", "2026-03-01 08:30:00 UTC"}) ||
			!slices.Equal(rows["a"][4:], []string{"2", "0", "0 B/s", "up"}) {
			t.Errorf("a single node's /nodes: %q\n%s", rows, a.body)
		}
		if !strings.Contains(a.body, "It is not one of a fleet") {
			t.Error("a single node's /nodes does not say it is alone")
		}
		// A single node's header has no Nodes link: there is no fleet to see.
		if strings.Contains(a.body, `href="/nodes"`) && !strings.Contains(a.body, `<a class="button" href="/nodes">Refresh</a>`) {
			t.Error("a single node's header links to /nodes")
		}
		if n := strings.Count(a.body, `href="/nodes"`); n != 1 {
			t.Errorf("%d links to /nodes, want only the Refresh button", n)
		}
	})
}

func TestAPINodesAndSessionsByNode(t *testing.T) {
	f, carl := fleetFixture(t, threeNodes())
	root, acme := f.visitors["root"], f.visitors["acme"]

	a := f.send(t, http.MethodGet, "/api/v1/nodes", nil, root, true)
	if a.status != http.StatusOK {
		t.Fatalf("status %d\n%s", a.status, a.body)
	}
	var listed struct{ Nodes []map[string]any }
	if err := json.Unmarshal([]byte(a.body), &listed); err != nil || len(listed.Nodes) != 3 {
		t.Fatalf("not a list of three nodes: %v\n%s", err, a.body)
	}
	nodes := listed.Nodes
	want := map[string]any{"name": "b", "version": "v1.3.0", "up_since": "2026-03-01T08:30:00Z",
		"last_heard": "2026-03-01T12:00:00Z", "sessions": 1.0, "transfers": 1.0, "rate": 2048.0, "up": true, "self": false}
	if len(nodes[1]) != len(want) {
		t.Errorf("node b has fields %v, want %v", nodes[1], want)
	}
	for k, v := range want {
		if nodes[1][k] != v {
			t.Errorf("node b: %s = %#v, want %#v", k, nodes[1][k], v)
		}
	}
	if nodes[0]["name"] != "a" || nodes[0]["self"] != true || nodes[2]["name"] != "c" || nodes[2]["up"] != false {
		t.Errorf("nodes %v, want a (self), b, c (down)", nodes)
	}
	if a := f.send(t, http.MethodGet, "/api/v1/nodes", nil, acme, true); a.status != http.StatusForbidden {
		t.Errorf("a customer's token: status %d, want 403", a.status)
	}
	if a := f.send(t, http.MethodGet, "/api/v1/nodes?name=a", nil, root, true); a.status != http.StatusBadRequest {
		t.Errorf("an unknown parameter: status %d, want 400", a.status)
	}

	list := func(v visitor, query string) map[string]string {
		t.Helper()
		a := f.send(t, http.MethodGet, "/api/v1/sessions"+query, nil, v, true)
		var out struct{ Sessions []apiSession }
		if err := json.Unmarshal([]byte(a.body), &out); a.status != http.StatusOK || err != nil {
			t.Fatalf("%s: status %d, %v\n%s", query, a.status, err, a.body)
		}
		got := map[string]string{}
		for _, s := range out.Sessions {
			got[s.ID] = s.Node
		}
		return got
	}
	if got := list(root, ""); !mapsEqual(got, map[string]string{f.bob.ID(): "a", f.gina.ID(): "a", carl.ID(): "b"}) {
		t.Errorf("every session's node: %v", got)
	}
	if got := list(root, "?node=b"); !mapsEqual(got, map[string]string{carl.ID(): "b"}) {
		t.Errorf("?node=b: %v", got)
	}
	if got := list(acme, "?"+url.Values{"node": {"a"}}.Encode()); !mapsEqual(got, map[string]string{f.bob.ID(): "a"}) {
		t.Errorf("acme's ?node=a: %v", got)
	}
	if got := list(root, "?node=x"); len(got) != 0 {
		t.Errorf("?node=x: %v", got)
	}
}

func TestAuditNamesTheTargetNode(t *testing.T) {
	f, carl := fleetFixture(t, threeNodes())
	if a := f.as(t, "root", http.MethodPost, "/sessions/"+carl.ID()+"/disconnect", nil); a.status != http.StatusSeeOther {
		t.Fatalf("disconnect carl: status %d\n%s", a.status, a.body)
	}
	if e := lastAudit(t, f.db); e.SessionID != carl.ID() || e.Detail != "on node b: idle" {
		t.Errorf("carl's audit row: %+v, want its detail to name node b", e)
	}
	// A session of this node is audited as before.
	a := f.send(t, http.MethodDelete, "/api/v1/sessions/"+f.bob.ID(), nil, f.visitors["root"], true)
	if a.status != http.StatusNoContent {
		t.Fatalf("disconnect bob: status %d\n%s", a.status, a.body)
	}
	if e := lastAudit(t, f.db); e.SessionID != f.bob.ID() || e.Detail != "idle (through the API)" {
		t.Errorf("bob's audit row: %+v", e)
	}

	// A single node never names a node.
	single := newAuthzFixture(t, newAuthzTemplate(t))
	if a := single.as(t, "root", http.MethodPost, "/sessions/"+single.bob.ID()+"/disconnect", nil); a.status != http.StatusSeeOther {
		t.Fatalf("status %d", a.status)
	}
	if e := lastAudit(t, single.db); e.Detail != "idle" {
		t.Errorf("a single node's audit row: %+v", e)
	}
}
