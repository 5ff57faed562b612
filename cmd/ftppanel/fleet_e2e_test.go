package main

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// threeNodes starts NATS and nodes a, b and c, each with the customer acme and
// one FTP account of its own (bob on a, carol on b, dave on c) logged in.
func threeNodes(t *testing.T, natsURL string) (nodes map[string]*fleetNode, ids map[string]string) {
	t.Helper()
	bin := buildBinary(t)
	nodes, ids = map[string]*fleetNode{}, map[string]string{}
	for name, login := range map[string]string{"a": "bob", "b": "carol", "c": "dave"} {
		n := startNode(t, bin, name, natsURL)
		n.addCustomer("acme")
		n.addFTPUser(login, "acme")
		n.ftpLogin(login)
		nodes[name] = n
	}
	admin := nodes["a"].signInAdmin()
	for _, login := range []string{"bob", "carol", "dave"} {
		ids[login], _ = admin.rowFor(login)
	}
	return nodes, ids
}

// TestFleetOnePanelSeesAndControlsEveryNode: three nodes on one NATS server;
// node a's admin sees every node's sessions, each row naming its node, filters
// by node, and disconnects a session on node b from node a.
func TestFleetOnePanelSeesAndControlsEveryNode(t *testing.T) {
	t.Parallel()
	ns := startNATS(t)
	nodes, ids := threeNodes(t, ns.clientURL)
	a := nodes["a"]
	admin := a.signInAdmin()

	got := admin.sessionNodes("")
	want := map[string]string{ids["bob"]: "a", ids["carol"]: "b", ids["dave"]: "c"}
	for id, node := range want {
		if got[id] != node {
			t.Errorf("session %s: row names node %q, want %q (rows: %v)", id, got[id], node, got)
		}
	}
	if only := admin.sessionNodes("?node=b"); len(only) != 1 || only[ids["carol"]] != "b" {
		t.Errorf("?node=b lists %v, want carol's session alone", only)
	}
	for _, name := range []string{"a", "b", "c"} {
		if row := admin.nodeRows()[name]; !strings.Contains(row, ">up<") {
			t.Errorf("/nodes row of %s: %q, want up", name, row)
		}
	}

	// The live list on a shows a login on c without a reload, and its end.
	events := admin.events("")
	dave := nodes["c"].ftpLogin("dave")
	nextEvent(t, events, "dave's second session, on c", func(html string) bool {
		return strings.Count(html, `class="login">dave<`) == 2
	})
	dave.Quit()
	nextEvent(t, events, "the end of dave's second session", func(html string) bool {
		return strings.Count(html, `class="login">dave<`) == 1
	})

	// A customer of node a sees its sessions on node a only: each node has its own store.
	customer := a.signIn("acme", "acme-password")
	if rows := customer.sessionNodes(""); len(rows) != 1 || rows[ids["bob"]] != "a" {
		t.Errorf("customer acme on a sees %v, want bob's session on a alone", rows)
	}

	carol := nodes["b"].ftpLogin("carol")
	carolID := ""
	waitFor(t, "carol's second session on a's list", func() bool {
		for id, node := range admin.sessionNodes("?node=b") {
			if id != ids["carol"] && node == "b" {
				carolID = id
				return true
			}
		}
		return false
	})
	resp := admin.disconnect(carolID)
	if resp.status != http.StatusSeeOther {
		t.Fatalf("disconnect of a session on b from a: status %d\n%s", resp.status, resp.body)
	}
	// The owner answered only once the session had ended: the client sees it closed.
	if err := carol.NoOp(); err == nil {
		t.Error("carol's connection on b still answers after the disconnect from a")
	}
	if _, ok := admin.sessionNodes("")[carolID]; ok {
		t.Error("the disconnected session is still listed")
	}
	audit := a.auditEntries()
	if len(audit) == 0 || audit[0].SessionID != carolID || !strings.HasPrefix(audit[0].Detail, "on node b:") {
		t.Errorf("a's audit log: %+v, want the disconnect naming node b first", audit)
	}
	waitFor(t, "b's history of carol's session", func() bool {
		for _, h := range nodes["b"].history() {
			if h.SessionID == carolID {
				return strings.Contains(h.EndReason, "by admin")
			}
		}
		return false
	})
}

// TestFleetTwoAdminsOneDisconnect: admins on a and c disconnect one session of
// b at once: one is told it is done, the other that it had already ended, and
// b records one end.
func TestFleetTwoAdminsOneDisconnect(t *testing.T) {
	t.Parallel()
	ns := startNATS(t)
	nodes, ids := threeNodes(t, ns.clientURL)
	admins := []*browser{nodes["a"].signInAdmin(), nodes["c"].signInAdmin()}
	statuses := make([]int, 2)
	var wg sync.WaitGroup
	for i, b := range admins {
		wg.Go(func() { statuses[i] = b.disconnect(ids["carol"]).status })
	}
	wg.Wait()
	if !(statuses[0] == http.StatusSeeOther && statuses[1] == http.StatusNotFound ||
		statuses[0] == http.StatusNotFound && statuses[1] == http.StatusSeeOther) {
		t.Fatalf("two disconnects of one session answered %v, want one 303 and one 404", statuses)
	}
	ends := 0
	waitFor(t, "b's history of carol's session", func() bool {
		ends = 0
		for _, h := range nodes["b"].history() {
			if h.SessionID == ids["carol"] {
				ends++
			}
		}
		return ends > 0
	})
	if ends != 1 {
		t.Errorf("b recorded %d ends of one session", ends)
	}
}

// TestFleetNodeThatDiesIsDownAndComesBack: node c is killed with SIGKILL in the
// middle of a download; a shows it down and no longer lists its sessions, and
// shows it up again once it restarts.
func TestFleetNodeThatDiesIsDownAndComesBack(t *testing.T) {
	t.Parallel()
	ns := startNATS(t)
	nodes, ids := threeNodes(t, ns.clientURL)
	c := nodes["c"]
	writeFile(t, c.home("acme", "dave")+"/big.bin", 64<<20)
	dave := c.ftpLogin("dave")
	download, err := dave.Retr("big.bin")
	if err != nil {
		t.Fatal(err)
	}
	defer download.Close()
	buf := make([]byte, 32<<10)
	if _, err := download.Read(buf); err != nil {
		t.Fatal(err)
	}

	admin := nodes["a"].signInAdmin()
	c.kill()
	admin.nodeState("c", "down")
	if _, ok := admin.sessionNodes("")[ids["dave"]]; ok {
		t.Error("a dead node's session is still listed")
	}
	if resp := admin.disconnect(ids["dave"]); resp.status != http.StatusServiceUnavailable ||
		!strings.Contains(resp.body, "node c did not answer") {
		t.Errorf("disconnect of a dead node's session: status %d, want 503 naming node c\n%s", resp.status, resp.body)
	}

	c.launch()
	admin.nodeState("c", "up")
	c.ftpLogin("dave")
	waitFor(t, "dave's new session on a's list", func() bool {
		for _, node := range admin.sessionNodes("?node=c") {
			if node == "c" {
				return true
			}
		}
		return false
	})
}

// TestFleetNodeThatDoesNotAnswerIsA503: node b is frozen (SIGSTOP); a
// disconnect of its session from a fails with 503 naming b, never a false
// "Disconnected", and works once b runs again.
func TestFleetNodeThatDoesNotAnswerIsA503(t *testing.T) {
	t.Parallel()
	ns := startNATS(t)
	nodes, ids := threeNodes(t, ns.clientURL)
	b, admin := nodes["b"], nodes["a"].signInAdmin()
	b.signal(syscall.SIGSTOP)
	resp := admin.disconnect(ids["carol"])
	b.signal(syscall.SIGCONT)
	if resp.status != http.StatusServiceUnavailable || !strings.Contains(resp.body, "node b did not answer") {
		t.Fatalf("disconnect on a frozen node: status %d, want 503 naming node b\n%s", resp.status, resp.body)
	}
	admin.nodeState("b", "up")
	if resp := admin.disconnect(ids["carol"]); resp.status != http.StatusSeeOther {
		t.Fatalf("disconnect once b runs again: status %d\n%s", resp.status, resp.body)
	}
}

// TestFleetWithoutNATSGoesOnAlone: every NATS server stops; each node keeps
// serving FTP and its own panel with its own sessions under a banner, and the
// fleet view comes back by itself when NATS does.
func TestFleetWithoutNATSGoesOnAlone(t *testing.T) {
	t.Parallel()
	ns := startNATS(t)
	bin := buildBinary(t)
	a, b := startNode(t, bin, "a", ns.clientURL), startNode(t, bin, "b", ns.clientURL)
	for _, n := range []*fleetNode{a, b} {
		n.addCustomer("acme")
	}
	a.addFTPUser("bob", "acme")
	b.addFTPUser("carol", "acme")
	a.ftpLogin("bob")
	b.ftpLogin("carol")
	admin := a.signInAdmin()
	waitFor(t, "both sessions on a", func() bool { return len(admin.sessionNodes("")) == 2 })

	ns.stop()
	waitFor(t, "the banner on a", func() bool {
		return strings.Contains(admin.get("/sessions").body, "fleet unreachable since")
	})
	a.ftpLogin("bob") // FTP goes on
	waitFor(t, "a to list its own sessions alone", func() bool {
		rows := admin.sessionNodes("")
		for _, node := range rows {
			if node != "a" {
				return false
			}
		}
		return len(rows) == 2
	})

	ns.start()
	waitFor(t, "the fleet view back on a", func() bool {
		body := admin.get("/sessions").body
		return !strings.Contains(body, "fleet unreachable since") && len(admin.sessionNodes("")) == 3
	})
}

// TestFleetClusterServerStopLosesNothing: nodes list all three servers of a
// NATS cluster; with one stopped, the panel still shows and controls every
// node's sessions.
func TestFleetClusterServerStopLosesNothing(t *testing.T) {
	t.Parallel()
	servers, urls := startNATSCluster(t, 3)
	bin := buildBinary(t)
	a, b := startNode(t, bin, "a", urls), startNode(t, bin, "b", urls)
	b.addCustomer("acme")
	b.addFTPUser("carol", "acme")
	b.ftpLogin("carol")
	admin := a.signInAdmin()
	waitFor(t, "b's session on a", func() bool { return len(admin.sessionNodes("")) == 1 })

	servers[0].stop()
	carol := b.ftpLogin("carol")
	waitFor(t, "b's new session on a after a NATS server stopped", func() bool {
		return len(admin.sessionNodes("")) == 2
	})
	admin.nodeState("b", "up")
	for rid := range admin.sessionNodes("") {
		if resp := admin.disconnect(rid); resp.status != http.StatusSeeOther {
			t.Fatalf("disconnect with one NATS server down: status %d\n%s", resp.status, resp.body)
		}
	}
	if err := carol.NoOp(); err == nil {
		t.Error("carol's session still answers")
	}
}

// TestFleetTakenNodeNameRefusesToStart: a second node named like a running one
// refuses to start, saying why.
func TestFleetTakenNodeNameRefusesToStart(t *testing.T) {
	t.Parallel()
	ns := startNATS(t)
	bin := buildBinary(t)
	startNode(t, bin, "a", ns.clientURL)
	// Bounded: a node that wrongly starts would serve until killed.
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	cmd := execServe(ctx, bin, t.TempDir(), "--node", "a", "--nats-url", ns.clientURL)
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("a second node named a started:\n%s", out)
	}
	if !strings.Contains(string(out), `node name "a" is taken`) {
		t.Errorf("the refusal says:\n%s", out)
	}
}

// TestFleetNodeRunsItsOwnNATS: node a runs the fleet's NATS server
// (--nats-listen) with a token it generates and prints once; node b joins it
// with that token, and a's panel lists b's sessions.
func TestFleetNodeRunsItsOwnNATS(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	listen := "127.0.0.1:" + strconv.Itoa(freePort(t))
	a := startNode(t, bin, "a", "", "--nats-listen", listen)
	token := regexpFind(t, a.stdout.String(), `NATS token \(shown only this once[^)]*\): (\S+)`)
	b := startNode(t, bin, "b", "nats://"+token+"@"+listen)
	b.addCustomer("acme")
	b.addFTPUser("carol", "acme")
	b.ftpLogin("carol")
	admin := a.signInAdmin()
	waitFor(t, "b's session on a's list", func() bool {
		for _, node := range admin.sessionNodes("") {
			if node == "b" {
				return true
			}
		}
		return false
	})

	a.restart()
	if strings.Contains(a.stdout.String(), "NATS token") {
		t.Error("the token was printed again on a restart")
	}
	admin = a.signInAdmin()
	waitFor(t, "b's session on a's list after a's restart", func() bool { return len(admin.sessionNodes("")) == 1 })

	// A node with a wrong token is refused, and says so rather than serving alone.
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	out, err := execServe(ctx, bin, t.TempDir(), "--node", "c", "--nats-url", "nats://wrong-token-000000@"+listen).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "refused") {
		t.Errorf("a node with a wrong token: %v\n%s", err, out)
	}
}

// TestFleetBanHoldsOnEveryNode: a ban made on node a's panel refuses the
// address on node b and ends its session there, holds across b's restart, and
// a lift on node b's bans page lets the address in again on a.
func TestFleetBanHoldsOnEveryNode(t *testing.T) {
	t.Parallel()
	ns := startNATS(t)
	bin := buildBinary(t)
	a, b := startNode(t, bin, "a", ns.clientURL), startNode(t, bin, "b", ns.clientURL)
	for _, n := range []*fleetNode{a, b} {
		n.addCustomer("acme")
		n.addFTPUser("bob", "acme")
	}
	onA, onB := a.rawDialFrom("127.0.0.7"), b.rawDialFrom("127.0.0.7")
	onA.login("bob")
	onB.login("bob")
	admin := a.signInAdmin()
	var id string
	waitFor(t, "the session from 127.0.0.7 on a", func() bool {
		for rid, node := range admin.sessionNodes("?node=a") {
			if node == "a" {
				id = rid
				return true
			}
		}
		return false
	})
	if r := admin.post("/sessions/"+id+"/ban", url.Values{"duration": {"24h"}, "reason": {"guessing"}}); r.status != http.StatusSeeOther {
		t.Fatalf("ban: status %d\n%s", r.status, r.body)
	}
	if err := closedByServer(onB.conn); err != nil {
		t.Errorf("b's session from the banned address: %v", err)
	}
	// The ban reaches b's own copy, which its FTP server reads at connect.
	bAdmin := b.signInAdmin()
	waitFor(t, "the ban on b's bans page", func() bool { return strings.Contains(bAdmin.get("/bans").body, "127.0.0.7") })
	if refused := b.dialBanned("127.0.0.7"); !strings.HasPrefix(refused, "421 This address is banned") {
		t.Errorf("b greets the banned address with %q", refused)
	}

	b.restart()
	if refused := b.dialBanned("127.0.0.7"); !strings.HasPrefix(refused, "421 This address is banned") {
		t.Errorf("after a restart, b greets the banned address with %q", refused)
	}

	bAdmin = b.signInAdmin()
	lift := regexpFind(t, bAdmin.get("/bans").body, `action="(/bans/\d+/lift)"`)
	if r := bAdmin.post(lift, nil); r.status != http.StatusSeeOther {
		t.Fatalf("lift on b: status %d", r.status)
	}
	waitFor(t, "the lift to reach a", func() bool {
		return !strings.Contains(admin.get("/bans").body, "127.0.0.7")
	})
	a.rawDialFrom("127.0.0.7").login("bob")
}
