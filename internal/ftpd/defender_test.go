package ftpd

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"strconv"
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
