package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
)

func TestSessionsPageShowsWhoIsConnected(t *testing.T) {
	t.Parallel()
	in := start(t)
	admin := in.signInAdmin()

	empty := admin.get("/sessions")
	if !strings.Contains(empty.body, "No users logged in") || strings.Contains(empty.body, "data-session-id") {
		t.Fatalf("empty list should say No users logged in and have no rows:\n%s", empty.body)
	}

	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	bob := in.rawDial()
	bob.cmd(200, "CLNT FileZilla 3.66.4")
	bob.login("bob")
	anonymous := in.rawDial() // connected, never logs in

	id, row := admin.rowFor("bob")
	for _, want := range []string{
		`class="login">bob<`,
		`>acme<`,
		`class="remote">127.0.0.1:`,
		`FileZilla 3.66.4`,
		`plain FTP`,
		`data-state="idle"`,
		`>Disconnect</button>`,
		`action="/sessions/` + id + `/disconnect"`,
	} {
		if !strings.Contains(row, want) {
			t.Errorf("bob's row lacks %q:\n%s", want, row)
		}
	}
	if port := bob.conn.LocalAddr().(*net.TCPAddr).Port; !strings.Contains(row, "127.0.0.1:"+strconv.Itoa(port)) {
		t.Errorf("bob's row does not show his port %d:\n%s", port, row)
	}

	anonID, anonRow := admin.rowFor("(not logged in)")
	if !strings.Contains(anonRow, `data-state="not logged in"`) {
		t.Errorf("a connection that has not logged in should say so:\n%s", anonRow)
	}

	customer := in.signIn("acme", "acme-password")
	rows := customer.rows()
	if _, ok := rows[id]; !ok || len(rows) != 1 {
		t.Errorf("acme should see exactly bob's session, saw %d rows", len(rows))
	}
	if _, ok := rows[anonID]; ok {
		t.Error("a customer must not see connections that have not logged in")
	}
	anonymous.cmd(200, "NOOP")
}

func TestDisconnectThroughConfirmationPage(t *testing.T) {
	t.Parallel()
	in := start(t)
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	admin := in.signInAdmin()
	bob := in.rawDial()
	bob.login("bob")
	id, _ := admin.rowFor("bob")

	confirm := admin.get("/sessions/" + id + "/disconnect")
	if confirm.status != http.StatusOK {
		t.Fatalf("confirmation page: status %d", confirm.status)
	}
	for _, want := range []string{"<strong>bob</strong>", "<strong>127.0.0.1</strong>", `method="post"`, `action="/sessions/` + id + `/disconnect"`} {
		if !strings.Contains(confirm.body, want) {
			t.Errorf("confirmation page lacks %q", want)
		}
	}
	// Looking at the prompt changes nothing.
	bob.cmd(200, "NOOP")

	resp := admin.disconnect(id)
	if resp.status != http.StatusSeeOther || resp.location != "/sessions" {
		t.Fatalf("disconnect: status %d, location %q", resp.status, resp.location)
	}
	if err := closedByServer(bob.conn); err != nil {
		t.Fatalf("bob's control connection: %v", err)
	}
	list := admin.get("/sessions")
	if !strings.Contains(list.body, "Disconnected bob (127.0.0.1)") {
		t.Errorf("the list should say who was disconnected:\n%s", list.body)
	}
	if strings.Contains(list.body, id) {
		t.Error("the disconnected session is still listed")
	}
	if again := admin.get("/sessions"); strings.Contains(again.body, "Disconnected bob") {
		t.Error("the message should show once, not on every reload")
	}

	entries := in.auditEntries()
	if len(entries) != 1 {
		t.Fatalf("want 1 audit entry, got %d", len(entries))
	}
	e := entries[0]
	if e.Actor != "admin" || e.Action != "disconnect" || e.SessionID != id || e.FTPLogin != "bob" ||
		e.Customer != "acme" || e.RemoteIP != "127.0.0.1" || e.Detail != "idle" || e.At.IsZero() {
		t.Errorf("audit entry = %+v", e)
	}

	for _, method := range []string{http.MethodGet, http.MethodPost} {
		var r response
		if method == http.MethodGet {
			r = admin.get("/sessions/" + id + "/disconnect")
		} else {
			r = admin.disconnect(id)
		}
		if r.status != http.StatusNotFound || !strings.Contains(r.body, "already ended") {
			t.Errorf("%s on an ended session: status %d, want 404 saying it has already ended", method, r.status)
		}
	}
	if n := len(in.auditEntries()); n != 1 {
		t.Errorf("a refused disconnect must not be audited: %d entries", n)
	}
}

// TestDisconnectIsInstantInEveryState checks that a confirmed disconnect closes the
// client's connections in each state a session can be in, and frees what it held.
func TestDisconnectIsInstantInEveryState(t *testing.T) {
	t.Parallel()
	in := start(t)
	in.addCustomer("acme")
	admin := in.signInAdmin()

	t.Run("idle", func(t *testing.T) {
		admin := admin.with(t)
		in.addFTPUser("idle", "acme")
		c := in.rawDial()
		c.login("idle")
		id, _ := admin.rowFor("idle")
		admin.mustDisconnect(id)
		if err := closedByServer(c.conn); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("uploading", func(t *testing.T) {
		admin := admin.with(t)
		in.addFTPUser("uploader", "acme")
		c := in.ftpLogin("uploader")
		id, _ := admin.rowFor("uploader")
		pr, pw := io.Pipe()
		stored := make(chan error, 1)
		go func() { stored <- c.Stor("big.bin", pr) }()
		sent := make(chan struct{})
		go func() {
			defer close(sent)
			buf := make([]byte, 64<<10)
			for {
				if _, err := pw.Write(buf); err != nil {
					return
				}
			}
		}()
		admin.waitState(id, "uploading")
		waitFor(t, "upload bytes to arrive", func() bool { return fileSize(in.home("acme", "uploader"), "big.bin") > 0 })
		admin.mustDisconnect(id)
		if err := <-stored; err == nil {
			t.Fatal("the client was told its interrupted upload succeeded")
		}
		pr.Close()
		<-sent
		waitFor(t, "the upload to be logged as interrupted", func() bool {
			return strings.Contains(in.stderr.String(), `msg="transfer interrupted"`) &&
				strings.Contains(in.stderr.String(), "direction=upload file=/big.bin")
		})
		if strings.Contains(in.stderr.String(), `msg="transfer complete" component=ftp session=`+id) {
			t.Error("the interrupted upload was logged as complete")
		}
	})

	t.Run("downloading to a slow reader", func(t *testing.T) {
		admin := admin.with(t)
		in.addFTPUser("downloader", "acme")
		const size = 64 << 20
		writeFile(t, filepath.Join(in.home("acme", "downloader"), "big.bin"), size)
		c := in.ftpLogin("downloader")
		id, _ := admin.rowFor("downloader")
		r, err := c.Retr("big.bin")
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		killMidDownload(t, admin, id, r, size)
	})

	t.Run("listing", func(t *testing.T) {
		admin := admin.with(t)
		in.addFTPUser("lister", "acme")
		c := in.rawDial()
		c.login("lister")
		c.cmd(229, "EPSV")
		// The listing is read, then the server waits for the data connection.
		if err := c.text.PrintfLine("LIST"); err != nil {
			t.Fatal(err)
		}
		id, _ := admin.rowFor("lister")
		admin.waitState(id, "listing")
		admin.mustDisconnect(id)
		if err := closedByServer(c.conn); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("waiting for a data connection that never comes", func(t *testing.T) {
		admin := admin.with(t)
		in.addFTPUser("stalled", "acme")
		c := in.rawDial()
		c.login("stalled")
		reply := c.cmd(227, "PASV")
		port := pasvPort(t, reply)
		// The server now waits in accept, holding the library's transfer lock.
		if err := c.text.PrintfLine("STOR never.bin"); err != nil {
			t.Fatal(err)
		}
		id, _ := admin.rowFor("stalled")
		admin.waitState(id, "uploading")
		admin.mustDisconnect(id)
		if err := closedByServer(c.conn); err != nil {
			t.Fatal(err)
		}
		// Probed by binding it: connecting would hand the waiting server its data
		// connection and end the wait by itself.
		waitFor(t, "the passive port to be released", func() bool {
			ln, err := net.Listen("tcp", ":"+strconv.Itoa(port))
			if err != nil {
				return false
			}
			ln.Close()
			return true
		})
	})
}

// mustDisconnect confirms a disconnect and checks the row is gone from the very
// next page.
func (b *browser) mustDisconnect(id string) {
	b.t.Helper()
	resp := b.disconnect(id)
	if resp.status != http.StatusSeeOther || resp.location != "/sessions" {
		b.t.Fatalf("disconnect %s: status %d, location %q\n%s", id, resp.status, resp.location, resp.body)
	}
	if _, ok := b.rows()[id]; ok {
		b.t.Fatalf("session %s is still listed after its disconnect", id)
	}
}

func pasvPort(t testing.TB, reply string) int {
	t.Helper()
	open, end := strings.IndexByte(reply, '('), strings.IndexByte(reply, ')')
	if open < 0 || end < open {
		t.Fatalf("not a PASV reply: %q", reply)
	}
	f := strings.Split(reply[open+1:end], ",")
	if len(f) != 6 {
		t.Fatalf("not a PASV reply: %q", reply)
	}
	hi, _ := strconv.Atoi(f[4])
	lo, _ := strconv.Atoi(f[5])
	return hi*256 + lo
}

func TestCustomersSeeAndTouchOnlyTheirOwnSessions(t *testing.T) {
	t.Parallel()
	in := start(t)
	in.addCustomer("acme")
	in.addCustomer("globex")
	in.addFTPUser("bob", "acme")
	in.addFTPUser("carol", "globex")
	bob, carol := in.rawDial(), in.rawDial()
	bob.login("bob")
	carol.login("carol")
	admin := in.signInAdmin()
	bobID, _ := admin.rowFor("bob")
	carolID, _ := admin.rowFor("carol")

	acme := in.signIn("acme", "acme-password")
	globex := in.signIn("globex", "globex-password")
	for _, tc := range []struct {
		name          string
		b             *browser
		own, neighbor string
		neighborConn  *rawFTP
	}{
		{"acme", acme, bobID, carolID, carol},
		{"globex", globex, carolID, bobID, bob},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.b, tc.neighborConn = tc.b.with(t), tc.neighborConn.with(t)
			rows := tc.b.rows()
			if _, ok := rows[tc.own]; !ok {
				t.Error("own session is not listed")
			}
			if _, ok := rows[tc.neighbor]; ok || len(rows) != 1 {
				t.Errorf("listed %d rows, including the other customer's: %v", len(rows), ok)
			}
			if r := tc.b.get("/sessions/" + tc.neighbor + "/disconnect"); r.status != http.StatusNotFound ||
				strings.Contains(r.body, "carol") && tc.name == "acme" || strings.Contains(r.body, "bob") && tc.name == "globex" {
				t.Errorf("confirmation page for the other customer's session: status %d", r.status)
			}
			if r := tc.b.disconnect(tc.neighbor); r.status != http.StatusNotFound {
				t.Errorf("disconnecting the other customer's session: status %d, want 404", r.status)
			}
			tc.neighborConn.cmd(200, "NOOP") // still alive
		})
	}
	if n := len(in.auditEntries()); n != 0 {
		t.Errorf("refused disconnects were audited: %d entries", n)
	}

	acme.mustDisconnect(bobID)
	if err := closedByServer(bob.conn); err != nil {
		t.Fatal(err)
	}
	carol.cmd(200, "NOOP")
	if e := in.auditEntries(); len(e) != 1 || e[0].Actor != "acme" || e[0].FTPLogin != "bob" {
		t.Errorf("audit after acme disconnected bob: %+v", e)
	}
}

func TestCrossOriginPostsAreRefused(t *testing.T) {
	t.Parallel()
	in := start(t)
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	bob := in.rawDial()
	bob.login("bob")
	admin := in.signInAdmin()
	id, _ := admin.rowFor("bob")

	for _, tc := range []struct{ name, header, value string }{
		{"Origin of another site, no fetch metadata", "Origin", "http://evil.example"},
		{"Sec-Fetch-Site cross-site", "Sec-Fetch-Site", "cross-site"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			admin, bob := admin.with(t), bob.with(t)
			r := admin.post("/sessions/"+id+"/disconnect", nil, "Sec-Fetch-Site", "", tc.header, tc.value)
			if r.status != http.StatusForbidden {
				t.Fatalf("status %d, want 403", r.status)
			}
			if !strings.Contains(r.body, "nothing was changed") {
				t.Errorf("the 403 page should explain itself:\n%s", r.body)
			}
			bob.cmd(200, "NOOP")
			if _, ok := admin.rows()[id]; !ok {
				t.Error("the session is gone after a refused post")
			}
		})
	}
	t.Run("login form", func(t *testing.T) {
		r := in.browser().post("/login", map[string][]string{"username": {"admin"}, "password": {in.adminPW}},
			"Origin", "http://evil.example", "Sec-Fetch-Site", "cross-site")
		if r.status != http.StatusForbidden || strings.Contains(fmt.Sprint(r.header["Set-Cookie"]), "ftppanel_session") {
			t.Errorf("cross-site login: status %d, cookies %v", r.status, r.header["Set-Cookie"])
		}
	})
	if n := len(in.auditEntries()); n != 0 {
		t.Errorf("refused posts were audited: %d entries", n)
	}
}

func TestTwoAdminsConfirmingTheSameDisconnect(t *testing.T) {
	t.Parallel()
	in := start(t)
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	in.mustCLI("second-admin-password\n", "admin", "add", "ops")
	bob := in.rawDial()
	bob.login("bob")
	first, second := in.signInAdmin(), in.signIn("ops", "second-admin-password")
	id, _ := first.rowFor("bob")

	var wg sync.WaitGroup
	statuses := make([]int, 2)
	for i, b := range []*browser{first, second} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i] = b.disconnect(id).status
		}()
	}
	wg.Wait()
	if !(statuses[0] == http.StatusSeeOther && statuses[1] == http.StatusNotFound ||
		statuses[0] == http.StatusNotFound && statuses[1] == http.StatusSeeOther) {
		t.Fatalf("statuses %v: want one 303 and one 404", statuses)
	}
	if n := len(in.auditEntries()); n != 1 {
		t.Errorf("want exactly one audit entry, got %d", n)
	}
	if err := closedByServer(bob.conn); err != nil {
		t.Fatal(err)
	}
}

func fileSize(dir, name string) int64 {
	info, err := os.Stat(filepath.Join(dir, name))
	if err != nil {
		return 0
	}
	return info.Size()
}

// killMidDownload reads the start of a download of size bytes from r, disconnects
// session id as admin, and checks what the client still gets: the reader wakes up
// and must end in an error, not in what looks like the end of the file.
func killMidDownload(t *testing.T, admin *browser, id string, r io.Reader, size int64) {
	t.Helper()
	first := make([]byte, 1024)
	if _, err := io.ReadFull(r, first); err != nil {
		t.Fatal(err)
	}
	admin.waitState(id, "downloading")
	admin.mustDisconnect(id)
	n, err := io.Copy(io.Discard, r)
	if err == nil {
		t.Fatalf("download ended cleanly after %d+%d of %d bytes: the client cannot tell it was cut", len(first), n, size)
	}
	if int64(len(first))+n >= size {
		t.Fatalf("the whole file arrived (%d bytes)", int64(len(first))+n)
	}
}
