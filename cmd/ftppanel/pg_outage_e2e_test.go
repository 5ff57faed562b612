package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ftppanel/ftppanel/internal/pgtest"
)

// TestPostgreSQLOutage stops the PostgreSQL server under a node in the middle
// of uploads, then starts it again: the uploads finish, a new login is told the
// service is unavailable for now (421, not "wrong password", and no ban), and
// once the database is back new logins work without restarting the node and the
// sessions that ended meanwhile are in the history.
func TestPostgreSQLOutage(t *testing.T) {
	t.Parallel()
	cluster, url := pgtest.Own(t) // its own: stopping the shared one would fail other tests
	dir := t.TempDir()
	useDatabase(dir, url)
	// Two failed logins ban an address here: refusals for the outage must not count.
	in := startIn(t, dir, "--ban-after", "2")
	in.addCustomer("acme")
	for _, login := range []string{"bob", "carol", "dave"} {
		in.addFTPUser(login, "acme")
	}
	type upload struct {
		login   string
		control *rawFTP
		data    interface {
			Write([]byte) (int, error)
			Close() error
		}
		sent int64
	}
	var uploads []*upload
	for _, login := range []string{"bob", "carol"} {
		control, data, sent := in.uploadUnderWay(login, "big.bin", 1<<16)
		uploads = append(uploads, &upload{login: login, control: control, data: data, sent: sent})
	}
	idle := in.rawDial()
	idle.login("dave")

	if err := cluster.Stop(); err != nil {
		t.Fatal(err)
	}

	// The uploads under way go on to their end, and a logged-in session answers.
	block := bytes.Repeat([]byte("during the outage "), 4096)
	for _, u := range uploads {
		for range 8 {
			n, err := u.data.Write(block)
			u.sent += int64(n)
			if err != nil {
				t.Fatalf("%s's upload during the outage: %v", u.login, err)
			}
		}
		u.data.Close()
		u.control.expect(226)
		u.control.cmd(221, "QUIT")
		info, err := os.Stat(filepath.Join(in.home("acme", u.login), "big.bin"))
		if err != nil || info.Size() != u.sent {
			t.Errorf("%s's file after the outage: %v, %v bytes; sent %d", u.login, err, info, u.sent)
		}
	}
	idle.cmd(257, "PWD")

	t.Run("NewLoginGets421", func(t *testing.T) {
		for range 3 {
			r := in.rawDial().with(t)
			r.cmd(331, "USER bob")
			msg := r.cmd(421, "PASS bob-password")
			if !strings.Contains(strings.ToLower(msg), "service temporarily unavailable") {
				t.Errorf("421 %q, want it to say the service is temporarily unavailable", msg)
			}
		}
	})

	if err := cluster.Start(); err != nil {
		t.Fatal(err)
	}
	// Back: new logins work again, once the pool has made new connections.
	attempts := 0
	waitFor(t, "a login after PostgreSQL is back", func() bool {
		attempts++
		r := in.rawDial()
		defer r.conn.Close()
		r.cmd(331, "USER carol")
		if err := r.text.PrintfLine("PASS carol-password"); err != nil {
			return false
		}
		code, _, _ := r.text.ReadResponse(230)
		return code == 230
	})
	t.Logf("logged in again after %d attempts", attempts)
	bob := in.ftpLogin("bob") // a real client, as users would
	if err := bob.NoOp(); err != nil {
		t.Error(err)
	}
	idle.cmd(257, "PWD")
	t.Run("HistoryOfTheOutageWritten", func(t *testing.T) {
		waitFor(t, "the uploads' sessions, ended during the outage, in the history", func() bool {
			ended := map[string]bool{}
			for _, e := range in.with(t).history() {
				ended[e.FTPLogin] = e.FilesUp == 1
			}
			return ended["bob"] && ended["carol"]
		})
	})
	if bans := in.bansOn("127.0.0.1"); len(bans) != 0 {
		t.Errorf("the outage banned the clients' address: %+v", bans)
	}
}
