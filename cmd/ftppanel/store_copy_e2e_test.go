package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jlaffaye/ftp"

	"github.com/ftppanel/ftppanel/internal/pgtest"
	"github.com/ftppanel/ftppanel/internal/store"
)

// TestStoreCopyToPostgreSQLWhileServing moves a node from its SQLite file to
// PostgreSQL as the README says: the real binary's "store copy" runs while the
// node serves FTP logins, then the node restarts with --database and its
// accounts, their passwords, the admin, tokens and history are all there.
func TestStoreCopyToPostgreSQLWhileServing(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	n := startNode(t, bin, "a", "")
	useDatabase(n.data, "") // the SQLite file, whatever FTPPANEL_TEST_STORE says
	adminPW := n.adminPW
	n.addCustomer("acme")
	n.addFTPUser("bob", "acme")
	n.addFTPUser("carol", "acme")
	token := n.apiToken("acme")
	acme := n.signIn("acme", "acme-password")
	bob := n.ftpLogin("bob")
	if err := bob.Stor("before.txt", strings.NewReader("written before the move")); err != nil {
		t.Fatal(err)
	}
	if err := bob.Quit(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "bob's session in the history", func() bool { return len(n.history()) > 0 })

	// Logins go on, and their sessions end into the history, during the copy.
	var (
		stop    atomic.Bool
		wg      sync.WaitGroup
		logins  atomic.Int64
		loginMu sync.Mutex
		failure error
	)
	wg.Go(func() {
		for !stop.Load() {
			c, err := ftp.Dial(n.ftpAddr, ftp.DialWithTimeout(10*time.Second))
			if err == nil {
				err = c.Login("carol", "carol-password")
				c.Quit()
			}
			if err != nil {
				loginMu.Lock()
				failure = err
				loginMu.Unlock()
				return
			}
			logins.Add(1)
		}
	})
	waitFor(t, "carol's logins to start", func() bool { return logins.Load() > 0 })

	pg := pgtest.NewDatabase(t)
	url := strings.Replace(pg, "postgres@", "postgres:s3cret@", 1) // the test cluster trusts any password
	copyCmd := exec.Command(bin, "store", "copy", "--data", n.data, "--to", url)
	copyCmd.Env = append(os.Environ(), costEnv+"=4", "FTPPANEL_DATABASE=")
	out, err := copyCmd.CombinedOutput()
	stop.Store(true)
	wg.Wait()
	if err != nil {
		t.Fatalf("store copy: %v\n%s", err, out)
	}
	if failure != nil {
		t.Errorf("a login during the copy failed: %v", failure)
	}
	said := string(out)
	t.Logf("store copy said: %s", said)
	for _, want := range []string{"Copied 1 customer, 2 panel users, 2 FTP accounts, ", "1 panel sign-in, 1 API token", " history rows",
		"to postgres://postgres:xxxxx@127.0.0.1:"} {
		if !strings.Contains(said, want) {
			t.Errorf("store copy said %q, want it to say %q", said, want)
		}
	}
	if strings.Contains(said, "s3cret") {
		t.Errorf("store copy showed the password: %q", said)
	}

	// A second copy into the same database is refused, and changes nothing.
	again := exec.Command(bin, "store", "copy", "--data", n.data, "--to", url)
	again.Env = copyCmd.Env
	if out, err := again.CombinedOutput(); err == nil || !bytes.Contains(out, []byte("not empty")) {
		t.Errorf("a second store copy: %v, %s; want a refusal", err, out)
	}

	// The node, restarted on PostgreSQL, has everything.
	n.args = append(n.args, "--database", url)
	useDatabase(n.data, url)
	n.restart()
	if n.adminPW != adminPW && strings.Contains(n.stdout.String(), `"admin" with password`) {
		t.Errorf("the node on PostgreSQL made a new admin: the copied one is missing")
	}
	bob = n.ftpLogin("bob") // a real login, against the copied hash
	r, err := bob.Retr("before.txt")
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	got.ReadFrom(r)
	r.Close()
	if got.String() != "written before the move" {
		t.Errorf("bob's file: %q", got.String())
	}
	if err := bob.Quit(); err != nil {
		t.Fatal(err)
	}
	n.signIn("admin", adminPW)
	acme.base = n.panelURL // the same browser, signed in before the move
	if resp := acme.get("/sessions"); resp.status != 200 {
		t.Errorf("acme's browser, signed in on SQLite, on PostgreSQL: status %d, location %q", resp.status, resp.location)
	}
	if resp := n.browser().api("GET", "/api/v1/sessions", token); resp.status != 200 {
		t.Errorf("acme's API token on PostgreSQL: status %d", resp.status)
	}
	db, err := store.OpenURL(context.Background(), url, n.data)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var bobs int
	waitFor(t, "bob's new session in the history on PostgreSQL", func() bool {
		entries, err := db.History(context.Background(), store.HistoryQuery{Login: "bob"})
		if err != nil {
			t.Fatal(err)
		}
		bobs = len(entries)
		return bobs == 2 // the copied one and the new one, with an ID of its own
	})
}

// TestStoreCopyRefusesWhatItCannotCopy: a missing SQLite file, a source that is
// PostgreSQL already, a destination that is not PostgreSQL.
func TestStoreCopyRefusesWhatItCannotCopy(t *testing.T) {
	t.Parallel()
	const to = "postgres://ftppanel@127.0.0.1:1/ftppanel"
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--data", t.TempDir(), "--to", to}, "no database at "},
		{[]string{"--data", t.TempDir(), "--to", "sqlite:"}, "store copy needs --to postgres://"},
		{[]string{"--data", t.TempDir()}, "store copy needs --to postgres://"},
		{[]string{"--data", t.TempDir(), "--database", to, "--to", to}, "names a PostgreSQL store already"},
	} {
		_, _, err := runCmd(t, testEnv, append([]string{"store", "copy"}, tc.args...)...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("store copy %q: %v, want %q", tc.args, err, tc.want)
		}
	}
}
