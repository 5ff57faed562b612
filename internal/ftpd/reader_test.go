package ftpd

import (
	"bytes"
	"net"
	"runtime/metrics"
	"strconv"
	"testing"
	"time"

	"github.com/ftppanel/ftppanel/internal/session"
)

// A transfer runs on the goroutine that reads the session's commands; when it
// lasts, another goroutine takes over reading them (ftpserverlib patch, see
// PATCHES.md).

// TestCommandsAnsweredDuringALongTransfer: while an upload goes on, STAT is
// answered, ABOR ends the upload, and the session goes on as before.
func TestCommandsAnsweredDuringALongTransfer(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	ts.addAccount("bob")
	c := ts.dial()
	c.login("bob")
	id := ts.sessionOf("bob")
	c.cmd(200, "TYPE I")
	data := c.dataConn()
	c.cmd(150, "STOR long.bin")
	if _, err := data.Write(make([]byte, 64<<10)); err != nil {
		t.Fatal(err)
	}
	ts.waitState(id, session.StateUploading)
	waitFor(t, "upload bytes to arrive", func() bool { return ts.snapshot(id).BytesUp > 0 })

	c.cmd(211, "STAT") // the data connection stays open: the upload goes on
	c.cmd(426, "ABOR")
	c.expect(226)
	waitFor(t, "the upload to end", func() bool { return ts.snapshot(id).State != session.StateUploading })
	c.cmd(200, "NOOP")

	// and a transfer after it works
	data2 := c.dataConn()
	c.cmd(150, "STOR short.bin")
	data2.Write([]byte("short"))
	data2.Close()
	c.expect(226)
	c.cmd(221, "QUIT")
}

// TestSmallTransfersStartNoGoroutine: small uploads and downloads over one
// session run on its command reader: a goroutine per transfer (the library's
// way) cost a small file more than its bytes.
func TestSmallTransfersStartNoGoroutine(t *testing.T) {
	// Not parallel: it counts the goroutines the whole process starts.
	ts := startServer(t)
	ts.addAccount("bob")
	c := ts.login("bob")
	content := bytes.Repeat([]byte("small"), 800)
	transfer := func(i int) {
		name := "f" + strconv.Itoa(i)
		if err := c.Stor(name, bytes.NewReader(content)); err != nil {
			t.Fatal(err)
		}
		r, err := c.Retr(name)
		if err != nil {
			t.Fatal(err)
		}
		r.Close()
	}
	transfer(0)          // what a first transfer starts once (the progress ticker)
	const transfers = 40 // 20 uploads, 20 downloads
	before := goroutinesCreated()
	for i := range transfers / 2 {
		transfer(i + 1)
	}
	// A transfer held up past the hand-off delay on a busy machine starts one;
	// the library's way starts one for every transfer.
	if got := goroutinesCreated() - before; got >= transfers/2 {
		t.Errorf("%d small transfers started %d goroutines", transfers, got)
	}
}

// dataConn sends PASV and connects to the port it names; the connection is
// closed when the test ends.
func (r *rawConn) dataConn() net.Conn {
	r.t.Helper()
	host, port := r.pasv()
	data, err := net.DialTimeout("tcp", net.JoinHostPort(host, strconv.Itoa(port)), 10*time.Second)
	if err != nil {
		r.t.Fatal(err)
	}
	r.t.Cleanup(func() { data.Close() })
	return data
}

func goroutinesCreated() uint64 {
	s := []metrics.Sample{{Name: "/sched/goroutines-created:goroutines"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}
