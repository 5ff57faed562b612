package ftpd

import (
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ftppanel/ftppanel/internal/session"
)

// A disconnect closes the client's connections at once, whatever the session is
// doing, and the session ends as disconnected by whoever asked.

func TestKillIdleSession(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	ts.addAccount("bob")
	ts.addAccount("carol")
	bob, carol := ts.dial(), ts.dial()
	bob.login("bob")
	carol.login("carol")

	id := ts.sessionOf("bob")
	ts.disconnect(id)
	if err := bob.closed(); err != nil {
		t.Fatal(err)
	}
	if e := ts.ended(id); e.EndReason != "disconnected by alice" {
		t.Errorf("end reason %q, want disconnected by alice", e.EndReason)
	}
	carol.cmd(200, "NOOP") // the others stay
}

func TestKillBeforeLogin(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	c := ts.dial()
	var id string
	waitFor(t, "the connection in the list", func() bool {
		list := ts.registry.List(session.AllSessions(), session.Filter{State: session.StateNotLoggedIn})
		if len(list) == 1 {
			id = list[0].ID
		}
		return id != ""
	})
	ts.disconnect(id)
	if err := c.closed(); err != nil {
		t.Fatal(err)
	}
}

func TestKillMidUpload(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	ts.addAccount("bob")
	c := ts.login("bob")
	id := ts.sessionOf("bob")

	// An upload that never ends by itself: the client keeps sending until its
	// data connection fails.
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
	defer func() {
		pr.Close()
		<-sent
	}()
	ts.waitState(id, session.StateUploading)
	waitFor(t, "upload bytes to arrive", func() bool { return ts.snapshot(id).BytesUp > 0 })

	ts.disconnect(id)
	if err := <-stored; err == nil {
		t.Fatal("the client was told its interrupted upload succeeded")
	}
	e := ts.ended(id)
	if e.EndReason != "disconnected by alice" || e.FilesUp != 0 || e.BytesUp == 0 {
		t.Errorf("history: %q, %d files and %d bytes up; want disconnected by alice, no file and some bytes",
			e.EndReason, e.FilesUp, e.BytesUp)
	}
	waitFor(t, "the upload to be logged as interrupted", func() bool {
		return strings.Contains(ts.log.String(), `msg="transfer interrupted" session=`+id+" direction=upload")
	})
}

// The client reading slowly has megabytes of the file in socket buffers when the
// disconnect comes: it must see an error, not a clean end that looks like the
// end of the file.
func TestKillSlowDownloader(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	ts.addAccount("bob")
	const size = 32 << 20
	writeFile(t, filepath.Join(ts.home("bob"), "big.bin"), size)
	c := ts.login("bob")
	id := ts.sessionOf("bob")

	r, err := c.Retr("big.bin")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	first := make([]byte, 1024)
	if _, err := io.ReadFull(r, first); err != nil {
		t.Fatal(err)
	}
	ts.waitState(id, session.StateDownloading)
	ts.disconnect(id)

	n, err := io.Copy(io.Discard, r)
	if err == nil {
		t.Fatalf("the download ended cleanly after %d of %d bytes: the client cannot tell it was cut", int64(len(first))+n, size)
	}
	if int64(len(first))+n >= size {
		t.Fatalf("the whole file arrived (%d bytes)", int64(len(first))+n)
	}
	if e := ts.ended(id); e.EndReason != "disconnected by alice" || e.FilesDown != 0 {
		t.Errorf("history: %q, %d files down; want disconnected by alice and none", e.EndReason, e.FilesDown)
	}
}

// A listing waits for its data connection after the directory is read; the
// disconnect closes the control connection and frees the passive port.
func TestKillListing(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	ts.addAccount("bob")
	c := ts.dial()
	c.login("bob")
	id := ts.sessionOf("bob")
	port := c.epsv()
	c.send("LIST")
	ts.waitState(id, session.StateListing)

	ts.disconnect(id)
	if err := c.closed(); err != nil {
		t.Fatal(err)
	}
	waitPortFree(t, port)
}

// After PASV and STOR the server waits in accept for a data connection that never
// comes, holding the library's transfer lock: the disconnect still ends the
// session and frees the port at once, not after the data connection timeout.
func TestKillWaitingForDataConnection(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	ts.addAccount("bob")
	c := ts.dial()
	c.login("bob")
	id := ts.sessionOf("bob")
	_, port := c.pasv()
	c.send("STOR never.bin")
	ts.waitState(id, session.StateUploading)

	ts.disconnect(id)
	if err := c.closed(); err != nil {
		t.Fatal(err)
	}
	waitPortFree(t, port)
	if e := ts.ended(id); e.EndReason != "disconnected by alice" {
		t.Errorf("end reason %q, want disconnected by alice", e.EndReason)
	}
}
