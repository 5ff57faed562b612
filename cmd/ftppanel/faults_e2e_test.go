package main

import (
	"bytes"
	"database/sql"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/jlaffaye/ftp"
)

// uploadUnderWay logs in as login, starts "STOR name" on a passive data
// connection and sends bytes until the server has written at least min of them
// to the file: the server is then in the middle of receiving it.
func (in *instance) uploadUnderWay(login, name string, min int64) (control *rawFTP, data net.Conn, sent int64) {
	in.t.Helper()
	control = in.rawDial()
	control.login(login)
	control.cmd(200, "TYPE I")
	data = control.passiveData()
	control.cmd(150, "STOR %s", name)
	block := bytes.Repeat([]byte("partial upload "), 4096)
	path := filepath.Join(in.home("acme", login), name)
	waitFor(in.t, name+" to reach the disk", func() bool {
		data.SetWriteDeadline(time.Now().Add(10 * time.Second))
		n, err := data.Write(block)
		sent += int64(n)
		if err != nil {
			in.t.Fatalf("upload %s: %v", name, err)
		}
		info, err := os.Stat(path)
		return err == nil && info.Size() >= min
	})
	return control, data, sent
}

// vanish closes a connection the way a crashed client or a broken network path
// does: no QUIT, no orderly end of the data, just a reset.
func vanish(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	c.Close()
}

// TestClientVanishingMidUploadEndsItsSession: an uploading client disappears
// without QUIT. Its row leaves the panel, history says the client dropped and
// counts no file uploaded, and the log names the upload as interrupted.
func TestClientVanishingMidUploadEndsItsSession(t *testing.T) {
	t.Parallel()
	in := start(t)
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	admin := in.signInAdmin()

	for _, tc := range []struct {
		name   string
		vanish func(control, data net.Conn)
	}{
		// A reset on both connections: what a client's host does when it drops
		// them, and what a server sees through a NAT that lost its state.
		{"both connections reset", func(control, data net.Conn) { vanish(control); vanish(data) }},
		// The control connection goes away first and the data keeps coming: the
		// server must end the session and stop the upload, not wait for its end.
		{"control connection reset, data still flowing", func(control, _ net.Conn) { vanish(control) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in, admin := in.with(t), admin.with(t)
			name := strings.ReplaceAll(tc.name, " ", "-") + ".bin"
			control, data, _ := in.uploadUnderWay("bob", name, 1<<20)
			id, _ := admin.rowFor("bob")
			admin.waitState(id, "uploading")
			local := control.conn.LocalAddr()

			tc.vanish(control.conn, data)

			waitFor(t, "the vanished session to leave the list", func() bool {
				_, listed := admin.rows()[id]
				return !listed
			})
			e := in.endedAs(local)
			if e.SessionID != id || e.EndReason != "client dropped" {
				t.Errorf("history row: session %s ended by %q, want %s ended by \"client dropped\"", e.SessionID, e.EndReason, id)
			}
			if e.FilesUp != 0 {
				t.Errorf("history counts %d whole uploads for a session whose only upload was cut short", e.FilesUp)
			}
			interrupted := regexp.MustCompile(`msg="transfer interrupted".* session=` + id + ` direction=upload file=/` + regexp.QuoteMeta(name) + ` bytes=(\d+)`)
			var m []string
			waitFor(t, "the log to report the interrupted upload", func() bool {
				m = interrupted.FindStringSubmatch(in.stderr.String())
				return m != nil
			})
			if n, _ := strconv.ParseInt(m[1], 10, 64); n < 1<<20 {
				t.Errorf("the log reports %d bytes of the interrupted upload; at least %d reached the disk", n, 1<<20)
			}
			if strings.Contains(in.stderr.String(), `msg="transfer complete" component=ftp session=`+id) {
				t.Error("the log also reports the cut-short upload as complete")
			}
			// The data connection of a client whose control connection vanished is
			// closed by the server, so nothing keeps writing into the file.
			waitFor(t, "the server to close the data connection", func() bool {
				data.SetWriteDeadline(time.Now().Add(10 * time.Second))
				_, err := data.Write(make([]byte, 64<<10))
				return err != nil
			})
		})
	}
}

// TestClientLeavingMidDownloadStopsIt: a client closes its control connection
// in the middle of a download but keeps reading the data connection. The server
// resets it: a download must not go on, out of the panel's sight and out of
// reach of its Disconnect, for a session the list no longer shows, nor end in
// a clean end of file that a client could take for the whole file.
func TestClientLeavingMidDownloadStopsIt(t *testing.T) {
	t.Parallel()
	in := start(t)
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	const size = 64 << 20
	writeFile(t, filepath.Join(in.home("acme", "bob"), "big.bin"), size)
	admin := in.signInAdmin()

	for _, tc := range []struct {
		name  string
		leave func(net.Conn)
	}{
		{"closed", func(c net.Conn) { c.Close() }},
		{"reset", vanish},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in, admin := in.with(t), admin.with(t)
			control := in.rawDial()
			control.login("bob")
			control.cmd(200, "TYPE I")
			data := control.passiveData()
			control.cmd(150, "RETR big.bin")
			if _, err := io.ReadFull(data, make([]byte, 1<<20)); err != nil {
				t.Fatalf("first MiB of the download: %v", err)
			}
			id, _ := admin.rowFor("bob")
			local := control.conn.LocalAddr()

			tc.leave(control.conn)

			waitFor(t, "the session to leave the list", func() bool {
				_, listed := admin.rows()[id]
				return !listed
			})
			// Read slowly, as the client was: what the server queued must not
			// trickle out for seconds and then end as if the file ended there.
			data.SetReadDeadline(time.Now().Add(10 * time.Second))
			buf := make([]byte, 64<<10)
			var got int64
			var err error
			for err == nil {
				var n int
				n, err = data.Read(buf)
				got += int64(n)
				time.Sleep(20 * time.Millisecond) // the client's pace, not a wait for the server
			}
			var ne net.Error
			switch {
			case errors.As(err, &ne) && ne.Timeout():
				t.Fatalf("the data connection was still open 10 s after the client left, %d bytes later", got)
			case errors.Is(err, io.EOF):
				t.Fatalf("the data connection ended cleanly %d bytes after the client left, as if the file ended there; want a reset", got)
			}
			if e := in.endedAs(local); e.FilesDown != 0 {
				t.Errorf("history counts %d whole downloads for a session whose only download was cut short", e.FilesDown)
			}
		})
	}
}

// TestASCIIModeUploadArrivesWhole: an upload in ASCII mode, the FTP default
// that some command-line clients keep, arrives whole and with its line ends
// converted, also past the server's 256 KiB progress chunks and in lines longer
// than a chunk. It once stopped at 262,142 bytes with the server spinning.
func TestASCIIModeUploadArrivesWhole(t *testing.T) {
	t.Parallel()
	in := start(t)
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	var text, want bytes.Buffer
	for i := 0; text.Len() < 1<<20; i++ {
		line := strings.Repeat(strconv.Itoa(i)+" ", 1+i%50)
		text.WriteString(line + "\r\n")
		want.WriteString(line + "\n")
	}
	long := strings.Repeat("no line end for a while ", 20000) // 480,000 bytes
	text.WriteString(long)
	want.WriteString(long)

	c := in.rawDial()
	c.login("bob")
	c.cmd(200, "TYPE A")
	data := c.passiveData()
	c.cmd(150, "STOR notes.txt")
	data.SetWriteDeadline(time.Now().Add(10 * time.Second))
	if _, err := data.Write(text.Bytes()); err != nil {
		t.Fatalf("upload: %v", err)
	}
	data.Close()
	c.expect(226)
	got, err := os.ReadFile(filepath.Join(in.home("acme", "bob"), "notes.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want.Bytes()) {
		t.Errorf("the server stored %d bytes, want %d", len(got), want.Len())
	}
}

// TestStopDuringTransfersClosesEverySessionAndKeepsHistory stops the server, as
// SIGINT or SIGTERM do, while 20 clients upload and download. Every client sees
// its connections close, serve returns cleanly, and after a restart on the same
// data directory every one of the 20 sessions has exactly one history row.
func TestStopDuringTransfersClosesEverySessionAndKeepsHistory(t *testing.T) {
	t.Parallel()
	in := start(t)
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	writeFile(t, filepath.Join(in.home("acme", "bob"), "big.bin"), 64<<20)
	admin := in.signInAdmin()

	type transfer struct {
		control *rawFTP
		data    net.Conn
	}
	var transfers []transfer
	for i := 0; i < 10; i++ {
		c, data, _ := in.uploadUnderWay("bob", "up-"+strconv.Itoa(i)+".bin", 1)
		transfers = append(transfers, transfer{c, data})
	}
	for i := 0; i < 10; i++ {
		c := in.rawDial()
		c.login("bob")
		data := c.passiveData()
		c.cmd(150, "RETR big.bin")
		// A reader slower than the server: the rest of the file waits in buffers.
		if _, err := io.ReadFull(data, make([]byte, 64<<10)); err != nil {
			t.Fatal(err)
		}
		transfers = append(transfers, transfer{c, data})
	}
	waitFor(t, "20 transfers in the panel", func() bool {
		up, down := 0, 0
		for _, row := range admin.rows() {
			up += strings.Count(row, `data-state="uploading"`)
			down += strings.Count(row, `data-state="downloading"`)
		}
		return up == 10 && down == 10
	})
	admin.c.CloseIdleConnections()

	in.shutdown() // fails the test unless serve returns nil

	ports := map[int]bool{}
	for i, tr := range transfers {
		if err := closedByServer(tr.control.conn); err != nil {
			t.Errorf("transfer %d: control connection: %v", i, err)
		}
		// Whatever was already in flight may still arrive; then the data
		// connection must end too, in an error or an end of file.
		tr.data.SetDeadline(time.Now().Add(10 * time.Second))
		var err error
		if i < 10 {
			for err == nil {
				_, err = tr.data.Write(make([]byte, 64<<10))
			}
		} else {
			_, err = io.Copy(io.Discard, tr.data)
		}
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			t.Errorf("transfer %d: data connection still open after the server stopped", i)
		}
		ports[tr.control.conn.LocalAddr().(*net.TCPAddr).Port] = true
	}

	db := openSQLite(t, filepath.Join(in.data, "ftppanel.db"))
	var integrity string
	if err := db.QueryRow(`PRAGMA integrity_check`).Scan(&integrity); err != nil || integrity != "ok" {
		t.Errorf("integrity check after the stop: %q, %v", integrity, err)
	}
	db.Close()

	again := startIn(t, in.data)
	rows := again.history()
	if len(rows) != len(transfers) {
		t.Errorf("%d history rows after the restart, want one for each of the %d sessions", len(rows), len(transfers))
	}
	seen := map[int]int{}
	for _, e := range rows {
		seen[e.RemotePort]++
		if !ports[e.RemotePort] || e.EndReason != "server shutdown" || e.FTPLogin != "bob" {
			t.Errorf("history row from port %d: login %q, ended by %q; want bob's, ended by \"server shutdown\"",
				e.RemotePort, e.FTPLogin, e.EndReason)
		}
	}
	for port := range ports {
		if seen[port] != 1 {
			t.Errorf("the session from port %d has %d history rows, want 1", port, seen[port])
		}
	}

	// The restarted server works: the same admin signs in, bob downloads, and
	// the list holds his new session only.
	admin = again.signIn("admin", in.adminPW)
	bob := again.ftpLogin("bob")
	r, err := bob.Retr("big.bin")
	if err != nil {
		t.Fatal(err)
	}
	if n, err := io.Copy(io.Discard, r); err != nil || n != 64<<20 {
		t.Errorf("download after the restart: %d bytes, %v", n, err)
	}
	r.Close()
	if got := admin.rows(); len(got) != 1 {
		t.Errorf("%d sessions listed after the restart, want bob's one", len(got))
	}
}

// openSQLite opens the database file directly, for checks the store does not offer.
func openSQLite(t testing.TB, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// Linux's inode flag ioctls (chattr): FS_IOC_GETFLAGS, FS_IOC_SETFLAGS, FS_IMMUTABLE_FL.
const (
	fsIocGetflags  = 0x80086601
	fsIocSetflags  = 0x40086602
	fsImmutableFlg = 0x10
)

// setImmutable sets or clears a file's immutable flag, as chattr +i and -i do. An
// immutable file refuses writes from everyone, root included, even through
// descriptors opened before: permission bits would not stop a test run as root.
func setImmutable(path string, on bool) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	var flags int32
	if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, f.Fd(), fsIocGetflags, uintptr(unsafe.Pointer(&flags))); errno != 0 {
		return errno
	}
	if on {
		flags |= fsImmutableFlg
	} else {
		flags &^= fsImmutableFlg
	}
	if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, f.Fd(), fsIocSetflags, uintptr(unsafe.Pointer(&flags))); errno != 0 {
		return errno
	}
	return nil
}

// freezeDatabase makes the database and its write-ahead log immutable until the
// test ends, or skips the test where that is not possible. The shared-memory
// index stays writable: it is mapped into memory, and readers need it.
func freezeDatabase(t *testing.T, data string) (thaw func()) {
	t.Helper()
	files := []string{filepath.Join(data, "ftppanel.db"), filepath.Join(data, "ftppanel.db-wal")}
	var mu sync.Mutex
	var frozen []string
	thaw = func() {
		mu.Lock()
		defer mu.Unlock()
		for _, f := range frozen {
			if err := setImmutable(f, false); err != nil {
				t.Errorf("clear the immutable flag of %s: %v", f, err)
			}
		}
		frozen = nil
	}
	t.Cleanup(thaw) // before the temporary directory's removal, which it would block
	for _, f := range files {
		if err := setImmutable(f, true); err != nil {
			thaw()
			t.Skipf("cannot make %s unwritable here (needs a Linux file system with the immutable flag and CAP_LINUX_IMMUTABLE): %v", filepath.Base(f), err)
		}
		mu.Lock()
		frozen = append(frozen, f)
		mu.Unlock()
	}
	return thaw
}

// TestUnwritableDatabase: when the database file cannot be written, the panel
// says so plainly, without internals, and the FTP server goes on serving. Once the
// file can be written again, nothing that happened meanwhile is missing.
func TestUnwritableDatabase(t *testing.T) {
	t.Parallel()
	in := start(t)
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	admin := in.signInAdmin()
	admin.rows()

	thaw := freezeDatabase(t, in.data)
	// The write that proves it: SQLite itself must be refused, not just a test file.
	if _, err := in.cli("carol-password\n", "customer", "add", "carol"); err == nil {
		t.Fatal("a customer could still be added: the database is not unwritable")
	}

	t.Run("signing in shows a plain error page", func(t *testing.T) {
		resp := in.with(t).browser().post("/login", url.Values{"username": {"admin"}, "password": {in.adminPW}})
		if resp.status != http.StatusInternalServerError {
			t.Fatalf("sign in: status %d, want 500\n%s", resp.status, resp.body)
		}
		if !strings.Contains(resp.body, "<h1") || !strings.Contains(resp.body, "could not complete this request") {
			t.Errorf("the error page does not say what happened:\n%s", resp.body)
		}
		for _, internal := range []string{in.data, "ftppanel.db", "sqlite", "SQL", "goroutine", ".go:", "panic", "permitted"} {
			if strings.Contains(resp.body, internal) {
				t.Errorf("the error page shows %q:\n%s", internal, resp.body)
			}
		}
	})

	var bobPort int
	var disconnectedID string
	t.Run("FTP keeps serving", func(t *testing.T) {
		in := in.with(t)
		bob, control := in.ftpLoginConn("bob")
		bobPort = control.LocalAddr().(*net.TCPAddr).Port
		want := bytes.Repeat([]byte("still serving "), 10000)
		if err := bob.Stor("during.txt", bytes.NewReader(want)); err != nil {
			t.Fatalf("upload: %v", err)
		}
		r, err := bob.Retr("during.txt")
		if err != nil {
			t.Fatalf("download: %v", err)
		}
		got, err := io.ReadAll(r)
		r.Close()
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("download: %d bytes, %v; want the %d uploaded", len(got), err, len(want))
		}
		entries, err := bob.List("/")
		if err != nil || !hasEntry(entries, "during.txt") {
			t.Errorf("listing: %v, %v", entries, err)
		}
		// A signed-in admin still sees who is connected: reading works.
		if _, html := admin.with(t).rowFor("bob"); !strings.Contains(html, "127.0.0.1") {
			t.Errorf("bob's row does not show his address:\n%s", html)
		}
		if err := bob.Quit(); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "bob's session to end", func() bool { return len(admin.with(t).rows()) == 0 })

		// A disconnect works; its audit row waits for the database.
		in.ftpLogin("bob")
		id, _ := admin.with(t).rowFor("bob")
		if r := admin.with(t).disconnect(id); r.status != http.StatusSeeOther {
			t.Fatalf("disconnect during the outage: status %d\n%s", r.status, r.body)
		}
		disconnectedID = id
	})

	thaw()
	t.Run("after the database recovers", func(t *testing.T) {
		in := in.with(t)
		t.Cleanup(func() {
			if t.Failed() {
				t.Log(in.stderr.String())
			}
		})
		in.signInAdmin()
		in.addCustomer("carol")
		// Bob's session ended while its history row could not be written.
		if e := in.endedAs(&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: bobPort}); e.EndReason != "quit" || e.FilesUp != 1 {
			t.Errorf("history row of the session during the outage = %+v", e)
		}
		// The audit row of the disconnect made during the outage.
		waitFor(t, "the audit row of the disconnect during the outage", func() bool {
			e, ok := in.auditFor("disconnect", "bob")
			return ok && e.SessionID == disconnectedID
		})
	})
}

func hasEntry(entries []*ftp.Entry, name string) bool {
	for _, e := range entries {
		if e.Name == name {
			return true
		}
	}
	return false
}
