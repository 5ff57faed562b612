package ftpd

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ftppanel/ftppanel/internal/session"
	"github.com/ftppanel/ftppanel/internal/store"
)

// testDefender bans after 3 failures within 15 minutes, for 15 minutes at first,
// on a clock the test moves.
func testDefender(threshold int) (*defender, *time.Time) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	return newDefender(threshold, 15*time.Minute, 15*time.Minute, func() time.Time { return now }), &now
}

// guess strikes n failed logins against ip and returns the bans they earned.
func guess(d *defender, ip string, n int) []time.Duration {
	var bans []time.Duration
	for range n {
		if ban := d.strike(ip, failedLoginScore); ban > 0 {
			bans = append(bans, ban)
		}
	}
	return bans
}

func TestDefenderBansABurstOnce(t *testing.T) {
	d, now := testDefender(3)
	if bans := guess(d, "192.0.2.1", 40); len(bans) != 1 || bans[0] != 15*time.Minute {
		t.Fatalf("forty failures at once banned %v, want one 15m ban", bans)
	}
	// Failures on connections opened before the ban add nothing while it lasts.
	*now = now.Add(14 * time.Minute)
	if bans := guess(d, "192.0.2.1", 40); len(bans) != 0 {
		t.Errorf("failures during the ban banned %v", bans)
	}
	*now = now.Add(time.Minute)
	if bans := guess(d, "192.0.2.1", 2); len(bans) != 0 {
		t.Errorf("failures during the ban counted after it: %v", bans)
	}
	// Once it has ended, the next ban is a repeat.
	if bans := guess(d, "192.0.2.1", 1); len(bans) != 1 || bans[0] != 30*time.Minute {
		t.Errorf("the next ban %v, want a repeat's 30m", bans)
	}
	if bans := guess(d, "192.0.2.2", 3); len(bans) != 1 || bans[0] != 15*time.Minute {
		t.Errorf("another address banned %v, want its own first ban", bans)
	}
}

func TestDefenderRepeatsDoubleUpTo64Times(t *testing.T) {
	d, now := testDefender(3)
	want := 15 * time.Minute
	for i := range maxBanDoublings + 3 {
		bans := guess(d, "192.0.2.1", 3)
		if len(bans) != 1 || bans[0] != want {
			t.Fatalf("ban %d: %v, want %s", i+1, bans, want)
		}
		*now = now.Add(bans[0])
		if i < maxBanDoublings {
			want *= 2
		}
	}
	if want != 64*15*time.Minute {
		t.Errorf("the longest ban is %s", want)
	}
}

func TestDefenderRepeatCountFadesAfterADay(t *testing.T) {
	d, now := testDefender(3)
	guess(d, "192.0.2.1", 3)
	*now = now.Add(15*time.Minute + 23*time.Hour)
	if bans := guess(d, "192.0.2.1", 3); len(bans) != 1 || bans[0] != 30*time.Minute {
		t.Fatalf("a ban within a day of the last: %v, want 30m", bans)
	}
	*now = now.Add(30*time.Minute + 24*time.Hour)
	if bans := guess(d, "192.0.2.1", 3); len(bans) != 1 || bans[0] != 15*time.Minute {
		t.Errorf("a ban a day after the last ended: %v, want the first's 15m", bans)
	}
}

func TestDefenderLiftedBanEndsAtOnce(t *testing.T) {
	d, now := testDefender(3)
	guess(d, "192.0.2.1", 3)
	*now = now.Add(time.Minute)
	d.ended("192.0.2.1")
	if bans := guess(d, "192.0.2.1", 3); len(bans) != 1 || bans[0] != 30*time.Minute {
		t.Errorf("after a lift: %v, want a repeat's 30m", bans)
	}
}

func TestDefenderForgetsWhatFaded(t *testing.T) {
	d, now := testDefender(3)
	start := *now
	for i := range 1000 {
		ip := "10.0." + strconv.Itoa(i/256) + "." + strconv.Itoa(i%256)
		guess(d, ip, 3)     // banned
		guess(d, "x"+ip, 1) // scored, never banned
	}
	*now = start.Add(2 * time.Hour)
	guess(d, "192.0.2.1", 3)
	d.forget()
	if n := d.offence.Len(); n != 1001 {
		t.Fatalf("two hours on the defender holds %d addresses, want the 1001 banned", n)
	}
	*now = start.Add(15*time.Minute + 24*time.Hour)
	d.forget()
	if n := d.offence.Len(); n != 1 {
		t.Errorf("a day after their bans ended the defender holds %d addresses, want only the one banned since", n)
	}
}

func TestDefenderOff(t *testing.T) {
	d, _ := testDefender(0)
	if bans := guess(d, "192.0.2.1", 100); len(bans) != 0 {
		t.Errorf("--ban-after 0 banned: %v", bans)
	}
}

// slowBans is a store whose check of one address's ban waits until released, as
// a database stalled by a slow write would.
type slowBans struct {
	*store.DB
	ip       string
	checking chan struct{} // closed when the check of ip has begun
	release  chan struct{}
}

func (b *slowBans) ActiveBan(ctx context.Context, ip string) (store.Ban, error) {
	if ip == b.ip {
		close(b.checking)
		<-b.release
	}
	return b.DB.ActiveBan(ctx, ip)
}

// One address's failure waiting on the store holds up no other address: a
// guesser from another one is still banned.
func TestFailuresFromOneAddressDoNotWaitForAnother(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "ftppanel.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	const stalled, guesser = "192.0.2.1", "192.0.2.2"
	bans := &slowBans{DB: db, ip: stalled, checking: make(chan struct{}), release: make(chan struct{})}
	srv := &Server{store: db, bans: bans, registry: session.NewRegistry(), log: slog.New(slog.DiscardHandler),
		now: time.Now, defender: newDefender(3, 15*time.Minute, 15*time.Minute, time.Now)}
	if srv.defender.storedLock(stalled) == srv.defender.storedLock(guesser) {
		t.Fatal("the two addresses share a lock: pick others")
	}

	stalledDone := make(chan struct{})
	go func() {
		defer close(stalledDone)
		srv.strike(stalled, failedLoginScore, "failed logins")
	}()
	<-bans.checking
	guessed := make(chan struct{})
	go func() {
		defer close(guessed)
		for range 3 {
			srv.strike(guesser, failedLoginScore, "failed logins")
		}
	}()
	select {
	case <-guessed:
	case <-time.After(time.Minute): // only bounds the wait: the stalled check never ends by itself
		t.Error("failures from one address waited for the store's answer about another")
	}
	close(bans.release)
	<-stalledDone
	<-guessed
	if _, err := db.ActiveBan(ctx, guesser); err != nil {
		t.Errorf("the guesser is not banned: %v", err)
	}
	if _, err := db.ActiveBan(ctx, stalled); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("one failure banned its address: %v", err)
	}
}

// The defender on a running server: what guessers and their neighbours see.

// banned sets a server to ban after three failures, for ten minutes at first.
func banned(c *Config) {
	c.BanAfter, c.BanWindow, c.BanTime = 3, 15*time.Minute, 10*time.Minute
}

func TestWrongPasswordsBanTheAddress(t *testing.T) {
	t.Parallel()
	ts := startServer(t, banned)
	ts.addAccount("bob")
	bystander := ts.dialFrom("127.0.0.2") // logged in from the guesser's address
	bystander.login("bob")
	bystanderID := ts.sessionOf("bob")
	elsewhere := ts.dialFrom("127.0.0.3")
	elsewhere.login("bob")

	for i := range 2 {
		guess := ts.dialFrom("127.0.0.2")
		guess.cmd(331, "USER bob")
		if msg := guess.cmd(530, "PASS guess-%d", i); msg != "Login incorrect." {
			t.Errorf("a wrong password got %q", msg)
		}
	}
	// The third wrong password bans the address, the guesser's connection first.
	guess := ts.dialFrom("127.0.0.2")
	guess.cmd(331, "USER bob")
	if msg := guess.cmd(421, "PASS guess-2"); msg != "This address is banned." {
		t.Errorf("the banning guess got %q", msg)
	}
	if err := guess.closed(); err != nil {
		t.Error(err)
	}
	if err := bystander.closed(); err != nil {
		t.Errorf("sessions from a banned address stay: %v", err)
	}
	if e := ts.ended(bystanderID); e.EndReason != "banned" {
		t.Errorf("the bystander's session ended as %q, want banned", e.EndReason)
	}

	bans, err := ts.db.Bans(context.Background())
	if err != nil || len(bans) != 1 || bans[0].IP != "127.0.0.2" || bans[0].CreatedBy != "defender" ||
		bans[0].Until.Sub(bans[0].CreatedAt).Round(time.Second) != 10*time.Minute {
		t.Fatalf("bans = %+v, %v; want one of 10m on 127.0.0.2 by the defender", bans, err)
	}
	audit, err := ts.db.AuditEntries(context.Background(), 100)
	if err != nil || len(audit) != 1 || audit[0].Actor != "defender" || audit[0].Action != "ban" || audit[0].RemoteIP != "127.0.0.2" {
		t.Errorf("audit = %+v, %v; want the defender's ban of 127.0.0.2", audit, err)
	}

	// Refused at once, even with the right password.
	if reply := ts.refusedFrom("127.0.0.2"); !strings.HasPrefix(reply, "421 This address is banned until ") {
		t.Errorf("a banned address got %q", reply)
	}
	// Another address is untouched, its open sessions and its new ones.
	elsewhere.cmd(200, "NOOP")
	ts.dialFrom("127.0.0.3").login("bob")
}

func TestBannedAddressIsRefusedBeforeAnyPassword(t *testing.T) {
	t.Parallel()
	ts := startServer(t, banned)
	ts.addAccount("bob")
	ban, err := ts.db.AddBan(context.Background(), store.Ban{IP: "127.0.0.2", Reason: "by hand", CreatedBy: "ops", Until: store.Forever})
	if err != nil {
		t.Fatal(err)
	}
	if reply := ts.refusedFrom("127.0.0.2"); reply != "421 This address is banned until the ban is lifted." {
		t.Errorf("a permanently banned address got %q", reply)
	}
	// The library never saw the connection: no session began, none ended.
	var ended int64
	for _, n := range ts.registry.Totals().EndedBy {
		ended += n
	}
	if n := ts.registry.Len(); n != 0 || ended != 0 {
		t.Errorf("a refused connection made sessions: %d live, %d ended", n, ended)
	}
	ts.dialFrom("127.0.0.3").login("bob")

	// Lifted, the address is let in at once.
	if _, err := ts.db.LiftBan(context.Background(), ban.ID, "admin"); err != nil {
		t.Fatal(err)
	}
	ts.dialFrom("127.0.0.2").login("bob")
}

// refusedFrom connects from ip, sends the right login at once, and returns the
// one line the server says before it closes the connection.
func (ts *testServer) refusedFrom(ip string) string {
	ts.t.Helper()
	r := ts.connectFrom(ip)
	// Sent before any reply is read: a server that read it would log in.
	r.conn.Write([]byte("USER bob\r\nPASS bob-password\r\n"))
	r.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	reply, err := io.ReadAll(r.conn)
	if err != nil && !errors.Is(err, syscall.ECONNRESET) {
		ts.t.Fatalf("read from a refused connection: %v", err)
	}
	if strings.Count(string(reply), "\n") != 1 {
		ts.t.Fatalf("a refused connection got %q, want one line and then the end", reply)
	}
	return strings.TrimSpace(string(reply))
}

// Wrong passwords sent at once on many connections make one ban, of the first
// ban's length: failures during a ban add nothing.
func TestABurstOfWrongPasswordsBansOnce(t *testing.T) {
	t.Parallel()
	ts := startServer(t, banned)
	ts.addAccount("bob")
	guesses := make([]*rawConn, 20)
	for i := range guesses {
		guesses[i] = ts.dialFrom("127.0.0.2")
		guesses[i].cmd(331, "USER bob")
	}
	var wg sync.WaitGroup
	for i, g := range guesses {
		wg.Go(func() { g.text.PrintfLine("PASS wrong-%d", i) })
	}
	wg.Wait()
	for _, g := range guesses {
		if err := g.closed(); err != nil {
			t.Fatal(err)
		}
		ts.endedFrom(g.conn.LocalAddr())
	}
	bans, err := ts.db.Bans(context.Background())
	if err != nil || len(bans) != 1 || bans[0].Until.Sub(bans[0].CreatedAt).Round(time.Second) != 10*time.Minute {
		t.Fatalf("bans after one burst = %+v, %v; want one of 10m", bans, err)
	}
}

// Monitoring checks connect, read the greeting and quit: no attack. Connections
// dropped without a login count, half a failure each.
func TestQuitWithoutLoginIsNotAFailure(t *testing.T) {
	t.Parallel()
	ts := startServer(t, func(c *Config) { c.BanAfter, c.BanWindow, c.BanTime = 2, 15*time.Minute, 10*time.Minute })
	for range 6 {
		probe := ts.dialFrom("127.0.0.2")
		probe.cmd(221, "QUIT")
		if err := probe.closed(); err != nil {
			t.Fatal(err)
		}
	}
	ts.dialFrom("127.0.0.2")
	for range 4 {
		ts.dialFrom("127.0.0.3").conn.Close()
	}
	waitFor(t, "dropped connections to ban their address", func() bool {
		bans, err := ts.db.Bans(context.Background())
		return err == nil && len(bans) == 1 && bans[0].IP == "127.0.0.3"
	})
	if reply := ts.refusedFrom("127.0.0.3"); !strings.HasPrefix(reply, "421 This address is banned until ") {
		t.Errorf("an address that dropped four connections got %q", reply)
	}
}
