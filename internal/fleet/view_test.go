package fleet

import (
	"errors"
	"log/slog"
	"net"
	"strconv"
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

	snap, err := v.Disconnect(bob.ID(), session.AllSessions(), "admin")
	if err != nil || snap.Login != "bob" || snap.Node != "b.example" {
		t.Fatalf("disconnect on b from a: %+v, %v", snap, err)
	}
	select {
	case <-bob.Done():
	default:
		t.Fatal("the disconnect answered before b's session had ended")
	}
	if _, err := v.Disconnect(bob.ID(), session.AllSessions(), "admin"); !errors.Is(err, session.ErrNotFound) {
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
