package ftpd

import (
	"crypto/tls"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/jlaffaye/ftp"

	"github.com/ftppanel/ftppanel/internal/session"
)

// TestLoginWhileTheStoreIsDownGets421: when the store cannot answer (here it
// is closed under the server), a login with the right password gets 421 "try
// again later", never 530, and no number of them bans the address; a session
// already logged in goes on working.
func TestLoginWhileTheStoreIsDownGets421(t *testing.T) {
	ts := startServer(t, func(c *Config) { c.BanAfter, c.BanWindow, c.BanTime = 2, 15*time.Minute, 10*time.Minute })
	ts.addAccount("bob")
	ts.addAccount("alice")
	writeFile(t, ts.home("alice")+"/kept.txt", 1000)
	alice := ts.login("alice")

	if err := ts.db.Close(); err != nil {
		t.Fatal(err)
	}
	for i := range 5 { // more than BanAfter
		r := ts.dial()
		r.cmd(331, "USER bob")
		msg := r.cmd(421, "PASS bob-password")
		if !strings.Contains(strings.ToLower(msg), "service temporarily unavailable") {
			t.Errorf("login %d: 421 %q, want it to say the service is temporarily unavailable", i, msg)
		}
		if err := r.closed(); err != nil {
			t.Errorf("login %d: %v", i, err)
		}
	}
	// The client sees the close before the server has counted the end.
	waitFor(t, "five ends counted", func() bool {
		t := ts.registry.Totals()
		return t.EndedBy[session.EndStoreUnavailable]+t.EndedBy[session.EndLoginFailed] >= 5
	})
	totals := ts.registry.Totals()
	if totals.EndedBy[session.EndStoreUnavailable] != 5 || totals.EndedBy[session.EndLoginFailed] != 0 {
		t.Errorf("ended by store unavailable %d, by login failed %d; want 5 and 0",
			totals.EndedBy[session.EndStoreUnavailable], totals.EndedBy[session.EndLoginFailed])
	}

	if n, locked := ts.srv.defender.offence.Len(), ts.srv.defender.offence.LockedFor("127.0.0.1"); n != 0 || locked != 0 {
		t.Errorf("the defender counted logins the store could not check: %d addresses, locked for %v", n, locked)
	}

	// The session logged in before goes on.
	r, err := alice.Retr("kept.txt")
	if err != nil {
		t.Fatalf("download during the outage: %v", err)
	}
	n, err := io.Copy(io.Discard, r)
	r.Close()
	if err != nil || n != 1000 {
		t.Errorf("download during the outage: %d bytes, %v", n, err)
	}
}

// TestFTPSLoginWhileTheStoreIsDownGets421: the 421 reaches an FTPS client too,
// through the encrypted control connection.
func TestFTPSLoginWhileTheStoreIsDownGets421(t *testing.T) {
	tlsDir := t.TempDir()
	cfg, err := LoadTLS(tlsDir, "", "", true)
	if err != nil {
		t.Fatal(err)
	}
	ts := startServer(t, func(c *Config) { c.TLS = cfg })
	ts.addAccount("bob")
	if err := ts.db.Close(); err != nil {
		t.Fatal(err)
	}
	c, err := ftp.Dial(ts.addr, ftp.DialWithTimeout(10*time.Second),
		ftp.DialWithExplicitTLS(&tls.Config{InsecureSkipVerify: true})) // the server's own self-signed certificate
	if err != nil {
		t.Fatal(err)
	}
	defer c.Quit()
	err = c.Login("bob", "bob-password")
	if err == nil || !strings.HasPrefix(err.Error(), "421 ") || !strings.Contains(strings.ToLower(err.Error()), "service temporarily unavailable") {
		t.Errorf("FTPS login with the store down: %v, want 421 service temporarily unavailable", err)
	}
}
