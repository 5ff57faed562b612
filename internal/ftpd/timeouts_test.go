package ftpd

import (
	"context"
	"io"
	"path/filepath"
	"testing"
	"time"
)

// The server drops connections that wait too long, saying why in one line. The
// timeouts here are short; the tests wait for the drop, never a set time.

func TestLoginTimeout(t *testing.T) {
	t.Parallel()
	ts := startServer(t, func(c *Config) { c.LoginTimeout = 2 * time.Second })
	ts.addAccount("bob")
	bob := ts.dial()
	bob.login("bob")

	silent := ts.dial()
	if line := silent.line(); line != "421 No login within 2s; closing." {
		t.Errorf("a connection that never logged in got %q", line)
	}
	if err := silent.closed(); err != nil {
		t.Error(err)
	}
	if e := ts.endedFrom(silent.conn.LocalAddr()); e.EndReason != "login timeout" {
		t.Errorf("end reason %q, want login timeout", e.EndReason)
	}
	bob.cmd(200, "NOOP") // logged in before the timeout: not touched
}

func TestIdleTimeout(t *testing.T) {
	t.Parallel()
	ts := startServer(t, func(c *Config) { c.IdleTimeout = 500 * time.Millisecond })
	ts.addAccount("bob")
	bob := ts.dial()
	bob.login("bob")
	id := ts.sessionOf("bob")
	if line := bob.line(); line != "421 Idle for 500ms; closing." {
		t.Errorf("an idle session got %q", line)
	}
	if err := bob.closed(); err != nil {
		t.Error(err)
	}
	if e := ts.ended(id); e.EndReason != "idle timeout" {
		t.Errorf("end reason %q, want idle timeout", e.EndReason)
	}
}

// An account's own idle timeout wins over the server's.
func TestAccountIdleTimeout(t *testing.T) {
	t.Parallel()
	ts := startServer(t, func(c *Config) { c.IdleTimeout = time.Hour })
	ts.addAccount("bob")
	if err := ts.db.SetFTPIdleTimeout(context.Background(), "bob", time.Second); err != nil {
		t.Fatal(err)
	}
	bob := ts.dial()
	bob.login("bob")
	if line := bob.line(); line != "421 Idle for 1s; closing." {
		t.Errorf("bob idle got %q", line)
	}
}

// A transfer under way is never idle, however slowly the client reads. (The
// timeout leaves carol time to start her download after logging in.)
func TestTransferIsNeverIdle(t *testing.T) {
	t.Parallel()
	ts := startServer(t, func(c *Config) { c.IdleTimeout = 2 * time.Second })
	ts.addAccount("bob")
	ts.addAccount("carol")
	const size = 32 << 20
	writeFile(t, filepath.Join(ts.home("carol"), "big.bin"), size)
	downloader := ts.login("carol")
	r, err := downloader.Retr("big.bin")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := io.ReadFull(r, make([]byte, 1024)); err != nil {
		t.Fatal(err)
	}

	// bob logs in after carol's download stalled, and is dropped for being idle
	// while it is still stalled.
	bob := ts.dial()
	bob.login("bob")
	if line := bob.line(); line != "421 Idle for 2s; closing." {
		t.Errorf("bob idle got %q", line)
	}
	// The whole file arrives and the server says the transfer is complete.
	n, err := io.Copy(io.Discard, r)
	if err != nil || n != size-1024 {
		t.Fatalf("carol's stalled download was cut after %d bytes: %v", 1024+n, err)
	}
	if err := r.Close(); err != nil {
		t.Errorf("carol's download did not end well: %v", err)
	}
}
