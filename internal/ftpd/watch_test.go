package ftpd

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	ftpserver "github.com/fclairamb/ftpserverlib"
	"golang.org/x/crypto/bcrypt"

	"github.com/ftppanel/ftppanel/internal/session"
	"github.com/ftppanel/ftppanel/internal/store"
)

// Every change the store records for an account ends its sessions as a kind of
// its own, so history and metrics tell a new password from a deleted account.
func TestAccountChangesEndAsTheirOwnKind(t *testing.T) {
	want := map[string]session.EndKind{
		store.ChangePassword: session.EndPasswordChanged,
		store.ChangeDisabled: session.EndAccountDisabled,
		store.ChangeDeleted:  session.EndAccountDeleted,
	}
	for change, kind := range want {
		if got := accountChangeEnds[change]; got != kind || !session.ValidEndKind(got) {
			t.Errorf("%q ends sessions as %q, want %q", change, got, kind)
		}
		// The client reads the reply, history the kind: both say the same.
		if string(kind) != change {
			t.Errorf("%q ends sessions as %q: history and the client's reply differ", change, kind)
		}
	}
}

// An account disabled and enabled again (or given a new password) lets in the
// sessions that log in afterwards: the watcher, reading the change late, must
// end only the sessions whose login read the account before the change, by
// change IDs, not clocks: a login checked while the change was being written
// read the old account, whatever time it carries, and other processes' clocks
// differ from ours.
func TestAccountChangeEndsOnlySessionsFromBeforeIt(t *testing.T) {
	ctx := context.Background()
	db := storeWithBob(t)
	changedAt := time.Date(2026, 12, 2, 15, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return changedAt } // the clock of the process that changes bob
	registry := session.NewRegistry()
	srv := &Server{store: db, registry: registry, log: slog.New(slog.DiscardHandler), now: time.Now}
	// authenticate checks bob's password as AuthUser does; loggedIn then lets
	// the session in, with the time its clock says.
	authenticate := func() store.FTPAccount {
		t.Helper()
		a, err := db.AuthenticateFTP(ctx, "bob", "bob-password")
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	loggedIn := func(a store.FTPAccount, at time.Time) (closed *atomic.Bool) {
		closed = new(atomic.Bool)
		s := session.New("127.0.0.1", 40000, at, func() { closed.Store(true) })
		c := &conn{cc: encryptedClient{}, session: s}
		c.seenChange.Store(a.SeenChange)
		s.LoggedIn(a.Login, a.Customer, "", true, at)
		srv.conns.Store(s.ID(), c)
		registry.Add(s)
		return closed
	}

	before := loggedIn(authenticate(), changedAt.Add(-time.Second))
	// Checked before the change was written, let in with a clock past its stamp.
	overlapping := authenticate()
	if err := db.SetFTPDisabled(ctx, "bob", true); err != nil {
		t.Fatal(err)
	}
	overlap := loggedIn(overlapping, changedAt.Add(time.Second))
	if err := db.SetFTPDisabled(ctx, "bob", false); err != nil {
		t.Fatal(err)
	}
	// Checked after, with a clock behind the stamp.
	after := loggedIn(authenticate(), changedAt.Add(-time.Minute))

	srv.endChangedAccounts(ctx, 0)
	if !before.Load() {
		t.Error("the session from before the account was disabled is still open")
	}
	if !overlap.Load() {
		t.Error("the session whose login read the account before it was disabled is still open")
	}
	if after.Load() {
		t.Error("the session that logged in after the account was enabled again was closed")
	}
}

// encryptedClient is a control connection under TLS, which drop does not write to.
type encryptedClient struct{ ftpserver.ClientContext }

func (encryptedClient) HasTLSForControl() bool { return true }

// The watcher's tick can fall between a login's read of the account and the
// moment its session shows the login (the password check, the limits, the home
// directory): the watcher then reads the change, lists no session of bob, and
// moves past the change for good. loggedIn looks once more and ends the session.
func TestAccountChangeDuringALoginEndsIt(t *testing.T) {
	ctx := context.Background()
	db, srv, c, client := loginUnderWay(t)
	s, last := c.session, lastChange(t, db)

	a, err := db.AuthenticateFTP(ctx, "bob", "bob-password")
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SetFTPDisabled(ctx, "bob", true); err != nil { // an admin disables bob meanwhile
		t.Fatal(err)
	}
	last = srv.endChangedAccounts(ctx, last) // the watcher's tick: no session of bob is listed yet
	if srv.loggedIn(c, a, "", true) {
		t.Error("the login went on although bob was disabled while it was checked")
	}
	srv.endChangedAccounts(ctx, last)
	client.SetReadDeadline(time.Now().Add(10 * time.Second)) // a failure, not a hang
	if _, err := client.Read(make([]byte, 1)); !errors.Is(err, io.EOF) {
		t.Errorf("bob's control connection is still open: %v", err)
	}
	if got := s.Snapshot(time.Now()).EndReason.Kind; got != session.EndAccountDisabled {
		t.Errorf("the session ended as %q, want %q", got, session.EndAccountDisabled)
	}
}

// loginUnderWay is a server on storeWithBob's store with one session of bob's
// client, connected and not logged in yet, its control connection a pipe whose
// client end it returns; the session's login is for the test to run.
func loginUnderWay(t *testing.T) (*store.DB, *Server, *conn, net.Conn) {
	t.Helper()
	db := storeWithBob(t)
	registry := session.NewRegistry()
	srv := &Server{store: db, registry: registry, log: slog.New(slog.DiscardHandler), now: time.Now}
	server, client := net.Pipe()
	t.Cleanup(func() { client.Close() })
	s := session.New("127.0.0.1", 40000, time.Now(), func() {})
	c := &conn{cc: encryptedClient{}, session: s, control: &controlConn{Conn: server}}
	srv.conns.Store(s.ID(), c)
	registry.Add(s)
	return db, srv, c, client
}

// lastChange is the newest account change in db.
func lastChange(t *testing.T, db *store.DB) int64 {
	t.Helper()
	last, err := db.LastAccountChange(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return last
}

// storeWithBob is a store on a fresh SQLite file with customer acme and its FTP
// account bob (password "bob-password", hashed cheaply).
func storeWithBob(t *testing.T) *store.DB {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "ftppanel.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.PasswordCost = bcrypt.MinCost
	if err := db.AddCustomer(ctx, "acme", "acme-password"); err != nil {
		t.Fatal(err)
	}
	if err := db.AddFTPAccount(ctx, "bob", "acme", "bob-password"); err != nil {
		t.Fatal(err)
	}
	return db
}
