package main

import (
	"strings"
	"testing"

	"github.com/ftppanel/ftppanel/internal/pgtest"
)

// TestTwoNodesShareOnePostgreSQLStore: two servers on one PostgreSQL database
// have the same accounts, panel users and history; a change made on one holds
// on the other at once.
func TestTwoNodesShareOnePostgreSQLStore(t *testing.T) {
	t.Parallel()
	url := pgtest.NewDatabase(t)
	dirA, dirB := t.TempDir(), t.TempDir()
	useDatabase(dirA, url)
	useDatabase(dirB, url)
	a := startIn(t, dirA, "--node", "a")
	b := startIn(t, dirB, "--node", "b")
	if a.adminPW == "" || b.adminPW != "" {
		t.Errorf("the first node should make the admin and the second find it: passwords %q and %q", a.adminPW, b.adminPW)
	}

	// Added through node a's data directory, used on node b.
	a.addCustomer("acme")
	a.addFTPUser("bob", "acme")
	c := b.ftpLogin("bob")
	if err := c.Quit(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "bob's session on b in the shared history", func() bool {
		for _, e := range a.history() {
			if e.FTPLogin == "bob" {
				return true
			}
		}
		return false
	})
	if r := b.signIn("acme", "acme-password").get("/accounts"); r.status != 200 || !strings.Contains(r.body, "bob") {
		t.Errorf("acme's accounts on node b: %d, bob missing", r.status)
	}

	// Disabled on node b's side: node a refuses it.
	b.mustCLI("", "ftp-user", "disable", "bob")
	r := a.rawDial()
	r.cmd(331, "USER bob")
	r.cmd(530, "PASS bob-password")
}
