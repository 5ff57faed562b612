package main

import (
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jlaffaye/ftp"

	"github.com/ftppanel/ftppanel/internal/store"
)

// sharedNodes starts NATS and nodes a and b over one data directory, so one
// store: its SQLite file, the fleet's shared store on one machine, or under
// FTPPANEL_TEST_STORE=postgres (make test's second run) its PostgreSQL database.
func sharedNodes(t *testing.T) (a, b *fleetNode) {
	t.Helper()
	ns := startNATS(t)
	bin := buildBinary(t)
	data := t.TempDir()
	shared := []string{sharedSQLiteEnv + "=1"}
	a = startNodeOn(t, bin, "a", ns.clientURL, data, shared)
	b = startNodeOn(t, bin, "b", ns.clientURL, data, shared)
	b.adminPW = a.adminPW // one store, one admin
	return a, b
}

// ftpDial logs in to addr as login with password, or returns why not.
func ftpDial(t *testing.T, addr, login, password string) (*ftp.ServerConn, error) {
	t.Helper()
	c, err := ftp.Dial(addr, ftp.DialWithTimeout(10*time.Second))
	if err != nil {
		t.Fatalf("dial FTP: %v", err)
	}
	if err := c.Login(login, password); err != nil {
		c.Quit()
		return nil, err
	}
	t.Cleanup(func() { c.Quit() })
	return c, nil
}

// endsWithin waits for c's session to be closed by the server and says how
// long that took from since.
func endsWithin(t *testing.T, what string, c *ftp.ServerConn, since time.Time) time.Duration {
	t.Helper()
	waitFor(t, what, func() bool { return c.NoOp() != nil })
	return time.Since(since)
}

// TestFleetOnASharedStore: two nodes on one store. An account added on a logs
// in on b at once; a customer signed in on either node sees its sessions on
// both and no one else's; a password change, a disable and a delete made on a
// end the account's sessions on b (b's own watcher ends them) and the old
// password is refused on b at once, though b had it in its verified cache;
// every history row is written once, by the node that held the session, and a
// disconnect made on a of a session on b is audited once, by a.
func TestFleetOnASharedStore(t *testing.T) {
	t.Parallel()
	a, b := sharedNodes(t)
	a.addCustomer("acme")
	a.addCustomer("globex")
	a.addFTPUser("bob", "acme")
	a.addFTPUser("gina", "globex")

	// Added on a, logs in on b at once; twice, so that b's cache holds the password.
	bobOnB := b.ftpLogin("bob")
	b.ftpLogin("bob").Quit()
	bobOnA := a.ftpLogin("bob")
	ginaOnB := b.ftpLogin("gina")
	_ = ginaOnB

	t.Run("a customer sees its sessions on every node, and only those", func(t *testing.T) {
		for _, n := range []*fleetNode{a, b} {
			acme := n.with(t).signIn("acme", "acme-password")
			var rows map[string]string
			waitFor(t, "acme's two sessions on "+n.name+"'s panel", func() bool {
				rows = acme.sessionNodes("")
				return len(rows) == 2
			})
			var nodes []string
			for _, node := range rows {
				nodes = append(nodes, node)
			}
			slices.Sort(nodes)
			if !slices.Equal(nodes, []string{"a", "b"}) {
				t.Errorf("acme on %s sees sessions on nodes %v, want one on a and one on b", n.name, nodes)
			}
			if page := acme.get("/sessions").body; strings.Contains(page, ">gina<") {
				t.Errorf("acme on %s sees globex's gina", n.name)
			}
		}
	})

	t.Run("a password changed on a ends bob's session on b; the old password is refused on b at once", func(t *testing.T) {
		changed := time.Now()
		a.with(t).mustCLI("bobs-new-password\n", "ftp-user", "passwd", "bob")
		if _, err := ftpDial(t, b.ftpAddr, "bob", "bob-password"); err == nil || !strings.HasPrefix(err.Error(), "530") {
			t.Errorf("the old password on b right after the change: %v, want 530", err)
		}
		took := endsWithin(t, "bob's session on b to end", bobOnB, changed)
		endsWithin(t, "bob's session on a to end", bobOnA, changed)
		t.Logf("bob's session on b ended %v after the change on a", took.Round(time.Millisecond))
		if _, err := ftpDial(t, b.ftpAddr, "bob", "bobs-new-password"); err != nil {
			t.Errorf("the new password on b: %v", err)
		}
	})

	t.Run("disabled on a ends bob's session on b", func(t *testing.T) {
		bob, err := ftpDial(t, b.ftpAddr, "bob", "bobs-new-password")
		if err != nil {
			t.Fatal(err)
		}
		changed := time.Now()
		a.with(t).mustCLI("", "ftp-user", "disable", "bob")
		t.Logf("ended on b %v after the change on a", endsWithin(t, "bob's session on b to end", bob, changed).Round(time.Millisecond))
		if _, err := ftpDial(t, b.ftpAddr, "bob", "bobs-new-password"); err == nil {
			t.Error("a disabled account logs in on b")
		}
		a.with(t).mustCLI("", "ftp-user", "enable", "bob")
	})

	t.Run("deleted on a ends bob's session on b", func(t *testing.T) {
		bob, err := ftpDial(t, b.ftpAddr, "bob", "bobs-new-password")
		if err != nil {
			t.Fatal(err)
		}
		changed := time.Now()
		a.with(t).mustCLI("", "ftp-user", "delete", "bob")
		t.Logf("ended on b %v after the change on a", endsWithin(t, "bob's session on b to end", bob, changed).Round(time.Millisecond))
	})

	t.Run("a disconnect on a of a session on b is audited once, by a", func(t *testing.T) {
		admin := a.with(t).signIn("admin", a.adminPW)
		var ginaID string
		waitFor(t, "gina's session on a's panel", func() bool {
			for id, node := range admin.sessionNodes("?node=b") {
				if node == "b" {
					ginaID = id
				}
			}
			return ginaID != ""
		})
		if r := admin.disconnect(ginaID); r.status != 303 {
			t.Fatalf("disconnect gina: status %d\n%s", r.status, r.body)
		}
		var rows []store.AuditEntry
		for _, e := range a.auditEntries() {
			if e.SessionID == ginaID {
				rows = append(rows, e)
			}
		}
		if len(rows) != 1 || rows[0].Node != "a" || !strings.HasPrefix(rows[0].Detail, "on node b: ") {
			t.Errorf("audit rows of gina's session: %+v, want one, by node a, naming node b", rows)
		}
	})

	t.Run("each history row once, naming the node that held the session", func(t *testing.T) {
		a.shutdownNode(t)
		b.shutdownNode(t)
		seen := map[string]int{}
		byNode := map[string]int{}
		for _, e := range a.history() {
			seen[e.SessionID]++
			byNode[e.Node]++
			if e.Node != "a" && e.Node != "b" {
				t.Errorf("history row %s names node %q", e.SessionID, e.Node)
			}
		}
		for id, n := range seen {
			if n != 1 {
				t.Errorf("session %s has %d history rows", id, n)
			}
		}
		// On b: bob twice before the change, bob three times after, gina; on a: bob.
		if byNode["a"] < 1 || byNode["b"] < 6 {
			t.Errorf("history rows by node: %v, want at least 1 on a and 6 on b", byNode)
		}
		for _, e := range a.auditEntries() {
			if e.Actor == "server" && e.Node == "" {
				t.Errorf("the server's audit row %+v names no node", e)
			}
		}
	})
}

// shutdownNode stops the node as an operator would (SIGTERM) and waits for it,
// so that every history row is written.
func (n *fleetNode) shutdownNode(t *testing.T) {
	t.Helper()
	n.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-n.exited:
	case <-time.After(30 * time.Second):
		t.Fatalf("node %s did not stop", n.name)
	}
	n.cmd = nil
}
