package main

import (
	"bytes"
	"io"
	"net"
	"strconv"
	"testing"

	"github.com/ftppanel/ftppanel/internal/store"
)

// endedAs waits until the session from the client's local address has a history
// row, and returns it.
func (in *instance) endedAs(local net.Addr) store.HistoryEntry {
	in.t.Helper()
	port := local.(*net.TCPAddr).Port
	var found store.HistoryEntry
	waitFor(in.t, "a history row for the session from port "+strconv.Itoa(port), func() bool {
		for _, e := range in.history() {
			if e.RemotePort == port {
				found = e
				return true
			}
		}
		return false
	})
	return found
}

func TestHistoryRecordsHowEachSessionEnded(t *testing.T) {
	t.Parallel()
	in := start(t)
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	admin := in.signInAdmin()

	t.Run("quit, with what was transferred", func(t *testing.T) {
		in := in.with(t)
		client, control := in.ftpLoginConn("bob")
		if err := client.Stor("report.pdf", bytes.NewReader(make([]byte, 12345))); err != nil {
			t.Fatal(err)
		}
		r, err := client.Retr("report.pdf")
		if err != nil {
			t.Fatal(err)
		}
		if n, err := io.Copy(io.Discard, r); err != nil || n != 12345 {
			t.Fatalf("download: %d bytes, %v", n, err)
		}
		r.Close()
		if err := client.Quit(); err != nil {
			t.Fatal(err)
		}
		e := in.endedAs(control.LocalAddr())
		if e.EndReason != "quit" || e.FTPLogin != "bob" || e.Customer != "acme" || e.RemoteIP != "127.0.0.1" ||
			e.LoggedInAt.IsZero() || e.EndedAt.Before(e.ConnectedAt) {
			t.Errorf("history row = %+v", e)
		}
		if e.BytesUp != 12345 || e.BytesDown != 12345 || e.FilesUp != 1 || e.FilesDown != 1 {
			t.Errorf("transferred: up %d bytes in %d files, down %d in %d; want 12345 in 1 each way",
				e.BytesUp, e.FilesUp, e.BytesDown, e.FilesDown)
		}
	})

	t.Run("client dropped", func(t *testing.T) {
		in := in.with(t)
		c := in.rawDial()
		c.login("bob")
		local := c.conn.LocalAddr()
		c.conn.Close()
		if e := in.endedAs(local); e.EndReason != "client dropped" {
			t.Errorf("end reason %q, want client dropped", e.EndReason)
		}
	})

	t.Run("login failed", func(t *testing.T) {
		in := in.with(t)
		c := in.rawDial()
		c.cmd(331, "USER bob")
		c.cmd(530, "PASS wrong-password")
		if e := in.endedAs(c.conn.LocalAddr()); e.EndReason != "login failed" || e.FTPLogin != "" {
			t.Errorf("history row = %+v, want login failed and no login", e)
		}
	})

	t.Run("disconnected by the admin", func(t *testing.T) {
		in := in.with(t)
		c := in.rawDial()
		c.login("bob")
		id, _ := admin.with(t).rowFor("bob")
		admin.with(t).mustDisconnect(id)
		e := in.endedAs(c.conn.LocalAddr())
		if e.EndReason != "disconnected by admin" || e.SessionID != id {
			t.Errorf("history row = %+v", e)
		}
	})
}

func TestHistoryRecordsIdleTimeoutsAndShutdowns(t *testing.T) {
	t.Parallel()
	in := start(t, "--idle-timeout", "1s")
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	idle := in.rawDial()
	idle.login("bob")
	if err := closedByServer(idle.conn); err != nil {
		t.Fatal(err)
	}
	if e := in.endedAs(idle.conn.LocalAddr()); e.EndReason != "idle timeout" {
		t.Errorf("end reason %q, want idle timeout", e.EndReason)
	}

	busy := in.rawDial()
	busy.login("bob")
	in.shutdown()
	if e := in.endedAs(busy.conn.LocalAddr()); e.EndReason != "server shutdown" {
		t.Errorf("end reason %q, want server shutdown", e.EndReason)
	}
}
