package ftpd

import (
	"crypto/tls"
	"errors"
	"net/textproto"
	"strings"
	"testing"
	"time"

	"github.com/jlaffaye/ftp"

	"github.com/ftppanel/ftppanel/internal/session"
)

// A disconnect with a reason tells the client "421 REASON" on its control
// connection, then closes it; the reason is kept in history.

func TestKillWithReasonTellsTheClient(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	ts.addAccount("bob")
	bob := ts.dial()
	bob.login("bob")
	id := ts.sessionOf("bob")

	if _, err := ts.registry.Disconnect(id, session.AllSessions(), "alice", "Uploads are paused for maintenance"); err != nil {
		t.Fatal(err)
	}
	if got := bob.line(); got != "421 Uploads are paused for maintenance" {
		t.Errorf("the client read %q, want the reason as a 421 reply", got)
	}
	if err := bob.closed(); err != nil {
		t.Fatal(err)
	}
	if e := ts.ended(id); e.EndReason != "disconnected by alice: Uploads are paused for maintenance" {
		t.Errorf("history says %q", e.EndReason)
	}
}

// TestKillReasonCannotAddReplyLines: CR, LF and other control characters in a
// reason become spaces, so the client reads one 421 line and then the close,
// never a reply line the reason made up.
func TestKillReasonCannotAddReplyLines(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	ts.addAccount("bob")
	bob := ts.dial()
	bob.login("bob")
	id := ts.sessionOf("bob")

	if _, err := ts.registry.Disconnect(id, session.AllSessions(), "alice", "bye\r\n226 Transfer complete\r\n\x00\x1b[2J"); err != nil {
		t.Fatal(err)
	}
	if got := bob.line(); got != "421 bye 226 Transfer complete [2J" {
		t.Errorf("the client read %q, want one line", got)
	}
	if err := bob.closed(); err != nil {
		t.Fatal(err)
	}
}

// TestKillWithReasonWithJlaffaye: a real client library sees the 421 and its
// text as the answer to its next command.
func TestKillWithReasonWithJlaffaye(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	ts.addAccount("bob")
	c := ts.login("bob")
	id := ts.sessionOf("bob")
	if _, err := ts.registry.Disconnect(id, session.AllSessions(), "alice", "Too many downloads"); err != nil {
		t.Fatal(err)
	}
	err := c.NoOp()
	var reply *textproto.Error
	if !errors.As(err, &reply) || reply.Code != ftp.StatusNotAvailable || reply.Msg != "Too many downloads" {
		t.Errorf("NOOP after the disconnect: %v, want 421 Too many downloads", err)
	}
}

// TestKillWithoutReasonSaysNothing: as before reasons existed, the client sees
// the close and no reply.
func TestKillWithoutReasonSaysNothing(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	ts.addAccount("bob")
	bob := ts.dial()
	bob.login("bob")
	id := ts.sessionOf("bob")
	ts.disconnect(id)
	bob.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	if line, err := bob.text.ReadLine(); err == nil {
		t.Errorf("the client read %q after a disconnect without a reason", line)
	}
}

// TestKillWithReasonUnderFTPS: under FTPS the reason cannot be written past the
// library's TLS connection, so none is written: the client sees the close, not
// a broken TLS record, and history keeps the reason.
func TestKillWithReasonUnderFTPS(t *testing.T) {
	t.Parallel()
	cfg, err := LoadTLS(t.TempDir(), "", "", true)
	if err != nil {
		t.Fatal(err)
	}
	ts := startServer(t, func(c *Config) { c.TLS = cfg })
	ts.addAccount("bob")
	c := ts.login("bob", ftp.DialWithExplicitTLS(&tls.Config{InsecureSkipVerify: true}))
	id := ts.sessionOf("bob")
	if _, err := ts.registry.Disconnect(id, session.AllSessions(), "alice", "Maintenance"); err != nil {
		t.Fatal(err)
	}
	err = c.NoOp()
	if err == nil {
		t.Fatal("NOOP worked after the disconnect")
	}
	if strings.Contains(err.Error(), "tls:") {
		t.Errorf("NOOP after the disconnect: %v: raw bytes broke the TLS stream", err)
	}
	if e := ts.ended(id); e.EndReason != "disconnected by alice: Maintenance" {
		t.Errorf("history says %q", e.EndReason)
	}
}
