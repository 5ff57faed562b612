package fleet

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ftppanel/ftppanel/internal/session"
)

// startNATS runs a real NATS server in this process, on a free loopback port.
func startNATS(t *testing.T) (*Server, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	srv, err := StartServer(ServerConfig{Listen: "127.0.0.1:" + strconv.Itoa(port), Token: "fleet-token", StoreDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv, "nats://fleet-token@" + srv.Addr()
}

// testNode joins a node with its own registry to the fleet at url.
func testNode(t *testing.T, url, name string) (*Node, *session.Registry) {
	t.Helper()
	reg := session.NewRegistry()
	reg.Node = name
	n, err := Join(Config{URLs: []string{url}, Node: name, Version: "test", Registry: reg,
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(n.Close)
	return n, reg
}

// addSession adds a logged-in session whose close ends it, as the FTP side would.
func addSession(reg *session.Registry, login, customer, ip string) *session.Session {
	var s *session.Session
	s = session.New(ip, 40000, time.Now(), func() { go reg.Remove(s) })
	reg.Add(s)
	s.LoggedIn(login, customer, "test", false, time.Now())
	return s
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 10s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestViewListsAndDisconnectsEveryNodesSessions(t *testing.T) {
	_, url := startNATS(t)
	a, regA := testNode(t, url, "a")
	_, regB := testNode(t, url, "b.example")
	addSession(regA, "alice", "acme", "192.0.2.1")
	bob := addSession(regB, "bob", "acme", "192.0.2.2")
	v := a.View()

	eventually(t, "node a lists b's session", func() bool { return len(v.List(session.AllSessions(), session.Filter{})) == 2 })
	rows, _, sum := v.Page(session.AllSessions(), 1, 100)
	if len(rows) != 2 || sum.Sessions != 2 {
		t.Fatalf("page: %d rows, summary %+v; want 2", len(rows), sum)
	}
	if got := v.List(session.AllSessions(), session.Filter{Node: "b.example"}); len(got) != 1 || got[0].Login != "bob" {
		t.Fatalf("node filter: %+v", got)
	}
	// A customer's scope on a node with its own store is that node's sessions.
	if got := v.List(session.CustomerSessions("acme"), session.Filter{}); len(got) != 1 || got[0].Login != "alice" {
		t.Fatalf("customer scope: %+v", got)
	}

	snap, err := v.Disconnect(bob.ID(), session.AllSessions(), "admin", "")
	if err != nil || snap.Login != "bob" || snap.Node != "b.example" {
		t.Fatalf("disconnect on b from a: %+v, %v", snap, err)
	}
	select {
	case <-bob.Done():
	default:
		t.Fatal("the disconnect answered before b's session had ended")
	}
	if _, err := v.Disconnect(bob.ID(), session.AllSessions(), "admin", ""); !errors.Is(err, session.ErrNotFound) {
		t.Fatalf("second disconnect: %v, want not found", err)
	}
}

func TestSecondNodeWithATakenNameRefuses(t *testing.T) {
	_, url := startNATS(t)
	testNode(t, url, "a")
	reg := session.NewRegistry()
	_, err := Join(Config{URLs: []string{url}, Node: "a", Registry: reg, Logger: slog.New(slog.DiscardHandler)})
	if err == nil {
		t.Fatal("a second node named a joined")
	}
	t.Log(err)
}

// TestCommandForASilentNodeIsNeverASuccess: b's link dies without a word (as
// when its machine loses power); a disconnect of b's session from a fails as
// b's silence, and b is listed down.
func TestCommandForASilentNodeIsNeverASuccess(t *testing.T) {
	_, url := startNATS(t)
	a, _ := testNode(t, url, "a")
	b, regB := testNode(t, url, "b")
	bob := addSession(regB, "bob", "acme", "192.0.2.2")
	v := a.View()
	eventually(t, "a lists b's session", func() bool { return len(v.List(session.AllSessions(), session.Filter{})) == 1 })

	b.nc.Close() // no leaving message: silence
	eventually(t, "b down on a", func() bool {
		for _, n := range v.Nodes() {
			if n.Name == "b" {
				return !n.Up
			}
		}
		return false
	})
	if got := v.List(session.AllSessions(), session.Filter{}); len(got) != 0 {
		t.Fatalf("a down node's sessions listed: %+v", got)
	}
	_, err := v.Disconnect(bob.ID(), session.AllSessions(), "admin", "")
	var nerr *session.NodeError
	if !errors.As(err, &nerr) || nerr.Node != "b" {
		t.Fatalf("disconnect of a silent node's session: %v, want node b did not answer", err)
	}
	select {
	case <-bob.Done():
		t.Fatal("b's session ended")
	default:
	}
}

// TestClusterWithAServerStoppedLosesNothing: nodes connected to a three-server
// cluster go on seeing and disconnecting each other's sessions when the server
// one of them was using stops.
func TestClusterWithAServerStoppedLosesNothing(t *testing.T) {
	servers, urls := startCluster(t, 3)
	a, _ := testNode(t, urls, "a")
	_, regB := testNode(t, urls, "b")
	addSession(regB, "bob", "acme", "192.0.2.2")
	v := a.View()
	eventually(t, "a lists b's session", func() bool { return len(v.List(session.AllSessions(), session.Filter{})) == 1 })

	servers[0].Close()
	bob2 := addSession(regB, "bob2", "acme", "192.0.2.3")
	eventually(t, "a lists b's new session after a server stopped", func() bool {
		return len(v.List(session.AllSessions(), session.Filter{})) == 2
	})
	if _, err := v.Disconnect(bob2.ID(), session.AllSessions(), "admin", ""); err != nil {
		t.Fatalf("disconnect across the cluster: %v", err)
	}
}

// startCluster runs a cluster of n NATS servers with routes, and returns them
// and a URL list naming all of them.
func startCluster(t *testing.T, n int) ([]*Server, string) {
	t.Helper()
	client, cluster := freePorts(t, n), freePorts(t, n)
	var routes, urls []string
	for i := range n {
		routes = append(routes, "nats-route://127.0.0.1:"+strconv.Itoa(cluster[i]))
		urls = append(urls, "nats://fleet-token@127.0.0.1:"+strconv.Itoa(client[i]))
	}
	servers := make([]*Server, n)
	errs := make(chan error, n)
	for i := range n {
		go func() {
			srv, err := StartServer(ServerConfig{Listen: "127.0.0.1:" + strconv.Itoa(client[i]), Token: "fleet-token",
				StoreDir: t.TempDir(), Name: "n" + strconv.Itoa(i), ClusterName: "test",
				ClusterListen: "127.0.0.1:" + strconv.Itoa(cluster[i]), Routes: routes})
			servers[i] = srv
			errs <- err
		}()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range servers {
		t.Cleanup(s.Close)
	}
	return servers, strings.Join(urls, ",")
}

// freePorts finds n free loopback ports.
func freePorts(t *testing.T, n int) []int {
	t.Helper()
	var ports []int
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		ports = append(ports, ln.Addr().(*net.TCPAddr).Port)
	}
	return ports
}

// TestOwnerAppliesTheScopeAgain: a command that reaches node b with a
// customer's scope ends only that customer's sessions, whatever it asks for;
// one without a name of who asks ends nothing.
func TestOwnerAppliesTheScopeAgain(t *testing.T) {
	_, url := startNATS(t)
	a, _ := testNode(t, url, "a")
	_, regB := testNode(t, url, "b")
	bob := addSession(regB, "bob", "acme", "192.0.2.2")
	for _, req := range []request{
		{Scope: wireScope{Customer: "other"}, IDs: []string{bob.ID()}, By: "other"},
		{Scope: wireScope{Customer: "other"}, All: true, By: "other"},
		{Scope: wireScope{Customer: "../acme"}, All: true, By: "x"},
		{Scope: wireScope{All: true}, IDs: []string{bob.ID()}}, // nobody named
	} {
		body, _ := json.Marshal(req)
		msg, err := a.nc.Request(nodeSubject("b", "req.disconnect"), body, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		var rep reply
		if err := json.Unmarshal(msg.Data, &rep); err != nil || len(rep.Rows) != 0 {
			t.Fatalf("request %+v ended %+v (%v)", req, rep.Rows, err)
		}
	}
	if _, err := regB.Get(bob.ID(), session.AllSessions()); err != nil {
		t.Fatalf("bob's session is gone: %v", err)
	}
}

func TestNodeWithAWrongTokenIsRefused(t *testing.T) {
	srv, _ := startNATS(t)
	_, err := Join(Config{URLs: []string{"nats://wrong-token@" + srv.Addr()}, Node: "a",
		Registry: session.NewRegistry(), Logger: slog.New(slog.DiscardHandler)})
	if err == nil || !strings.Contains(err.Error(), "refused") {
		t.Fatalf("join with a wrong token: %v", err)
	}
}

// TestIdleNodesAreNotAskedAgain: a panel showing an idle fleet every second
// asks each node once, not every second, until its sessions change.
func TestIdleNodesAreNotAskedAgain(t *testing.T) {
	_, url := startNATS(t)
	a, _ := testNode(t, url, "a")
	b, regB := testNode(t, url, "b")
	addSession(regB, "bob", "acme", "192.0.2.2")
	v := a.View()
	eventually(t, "a lists b's session", func() bool {
		rows, _, _ := v.Page(session.AllSessions(), 1, 100)
		return len(rows) == 1
	})
	asked := b.handled.Load()
	for range 5 {
		if rows, _, _ := v.Page(session.AllSessions(), 1, 100); len(rows) != 1 {
			t.Fatalf("page lists %d sessions", len(rows))
		}
	}
	if got := b.handled.Load(); got != asked {
		t.Errorf("an idle node was asked %d more times", got-asked)
	}
	addSession(regB, "carol", "acme", "192.0.2.3")
	eventually(t, "a lists b's new session", func() bool {
		rows, _, _ := v.Page(session.AllSessions(), 1, 100)
		return len(rows) == 2
	})
}

// TestListLargerThanOneMessage: a node with more sessions than one NATS
// message holds still lists them all to another node.
func TestListLargerThanOneMessage(t *testing.T) {
	_, url := startNATS(t)
	a, _ := testNode(t, url, "a")
	_, regB := testNode(t, url, "b")
	const many = 5000
	for i := range many {
		addSession(regB, "user"+strconv.Itoa(i), "acme", "192.0.2.2")
	}
	v := a.View()
	eventually(t, "a lists all of b's sessions", func() bool {
		return len(v.List(session.AllSessions(), session.Filter{})) == many
	})
	if got := len(v.List(session.AllSessions(), session.Filter{Login: "user4999"})); got != 1 {
		t.Errorf("filtered on b: %d sessions, want 1", got)
	}
}
