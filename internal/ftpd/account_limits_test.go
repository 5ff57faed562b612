package ftpd

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/ftppanel/ftppanel/internal/session"
)

// A change of limits read by the watcher between a login's read of the
// account and the moment its session shows the login is applied by loggedIn;
// one read after is applied by the watcher. Neither ends the session.
func TestAccountLimitsChangedDuringALogin(t *testing.T) {
	ctx := context.Background()
	db, srv, c, _ := loginUnderWay(t)
	s, last := c.session, lastChange(t, db)

	a, err := db.AuthenticateFTP(ctx, "bob", "bob-password")
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SetFTPRateLimits(ctx, "bob", 1000, 2000); err != nil { // set while the login goes on
		t.Fatal(err)
	}
	last = srv.endChangedAccounts(ctx, last) // no session of bob is listed yet
	if !srv.loggedIn(c, a, "", true) {
		t.Fatal("a change of limits ended the login")
	}
	if down, up := s.AccountLimits(); down != 1000 || up != 2000 {
		t.Errorf("the session has limits %d down, %d up; want the new 1000, 2000", down, up)
	}

	if err := db.SetFTPRateLimits(ctx, "bob", 0, 500); err != nil {
		t.Fatal(err)
	}
	last = srv.endChangedAccounts(ctx, last)
	if down, up := s.AccountLimits(); down != 0 || up != 500 {
		t.Errorf("after the watcher's tick the session has %d down, %d up; want 0, 500", down, up)
	}

	// A change of limits read after one that ends sessions does not hide it
	// from a login that read the account before both.
	a, err = db.AuthenticateFTP(ctx, "bob", "bob-password")
	if err != nil {
		t.Fatal(err)
	}
	s2 := session.New("127.0.0.1", 40001, time.Now(), func() {})
	server2, client2 := net.Pipe()
	defer client2.Close()
	c2 := &conn{cc: encryptedClient{}, session: s2, control: &controlConn{Conn: server2}}
	srv.conns.Store(s2.ID(), c2)
	srv.registry.Add(s2)
	if err := db.SetFTPPassword(ctx, "bob", "new-bob-password"); err != nil {
		t.Fatal(err)
	}
	if err := db.SetFTPRateLimits(ctx, "bob", 10, 10); err != nil {
		t.Fatal(err)
	}
	srv.endChangedAccounts(ctx, last)
	if srv.loggedIn(c2, a, "", true) {
		t.Error("a login that read bob's old password went on: the later change of limits hid the new password")
	}
	// The watcher ended the first session for the new password, as ever.
	if got := s.Snapshot(time.Now()).EndReason.Kind; got != session.EndPasswordChanged {
		t.Errorf("the first session ended as %q, want %q", got, session.EndPasswordChanged)
	}
}
