package ftpd

import (
	"strconv"
	"testing"
	"time"
)

func newTestDefender() *defender {
	return &defender{threshold: 3, window: 15 * time.Minute, banTime: 15 * time.Minute, byIP: make(map[string]*offender)}
}

// guess strikes n failed logins against ip at now and returns the bans they earned.
func guess(d *defender, ip string, n int, now time.Time) []time.Duration {
	var bans []time.Duration
	for range n {
		if ban := d.strike(ip, failedLoginScore, now); ban > 0 {
			bans = append(bans, ban)
		}
	}
	return bans
}

func TestDefenderBansABurstOnce(t *testing.T) {
	d := newTestDefender()
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	if bans := guess(d, "192.0.2.1", 40, now); len(bans) != 1 || bans[0] != 15*time.Minute {
		t.Fatalf("forty failures at once banned %v, want one 15m ban", bans)
	}
	// Failures on connections opened before the ban add nothing while it lasts.
	if bans := guess(d, "192.0.2.1", 40, now.Add(14*time.Minute)); len(bans) != 0 {
		t.Errorf("failures during the ban banned %v", bans)
	}
	if bans := guess(d, "192.0.2.1", 2, now.Add(15*time.Minute)); len(bans) != 0 {
		t.Errorf("failures during the ban counted after it: %v", bans)
	}
	// Once it has ended, the next ban is a repeat.
	if bans := guess(d, "192.0.2.1", 3, now.Add(16*time.Minute)); len(bans) != 1 || bans[0] != 30*time.Minute {
		t.Errorf("the next burst banned %v, want one 30m ban", bans)
	}
	if bans := guess(d, "192.0.2.2", 3, now); len(bans) != 1 || bans[0] != 15*time.Minute {
		t.Errorf("another address banned %v, want its own first ban", bans)
	}
}

func TestDefenderRepeatsDoubleUpToALimit(t *testing.T) {
	d := newTestDefender()
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	want := 15 * time.Minute
	for i := range maxBanDoublings + 3 {
		bans := guess(d, "192.0.2.1", 3, now)
		if len(bans) != 1 || bans[0] != want {
			t.Fatalf("ban %d: %v, want %s", i+1, bans, want)
		}
		now = now.Add(bans[0])
		if i < maxBanDoublings {
			want *= 2
		}
	}
	if want != 64*15*time.Minute {
		t.Errorf("the longest ban is %s", want)
	}
}

func TestDefenderRepeatCountFadesAfterADay(t *testing.T) {
	d := newTestDefender()
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	guess(d, "192.0.2.1", 3, now)
	ended := now.Add(15 * time.Minute)
	if bans := guess(d, "192.0.2.1", 3, ended.Add(23*time.Hour)); len(bans) != 1 || bans[0] != 30*time.Minute {
		t.Fatalf("a ban within a day of the last: %v, want 30m", bans)
	}
	ended = ended.Add(23*time.Hour + 30*time.Minute)
	if bans := guess(d, "192.0.2.1", 3, ended.Add(24*time.Hour)); len(bans) != 1 || bans[0] != 15*time.Minute {
		t.Errorf("a ban a day after the last ended: %v, want the first's 15m", bans)
	}
}

func TestDefenderLiftedBanEndsAtOnce(t *testing.T) {
	d := newTestDefender()
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	guess(d, "192.0.2.1", 3, now)
	d.ended("192.0.2.1", now.Add(time.Minute))
	if bans := guess(d, "192.0.2.1", 3, now.Add(2*time.Minute)); len(bans) != 1 || bans[0] != 30*time.Minute {
		t.Errorf("after a lift: %v, want a repeat's 30m", bans)
	}
	d.ended("192.0.2.9", now) // an address the defender does not know
	if len(d.byIP) != 1 {
		t.Errorf("ending an unknown address's ban remembered it")
	}
}

func TestDefenderForgetsWhatFaded(t *testing.T) {
	d := newTestDefender()
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	for i := range 1000 {
		ip := "10.0." + strconv.Itoa(i/256) + "." + strconv.Itoa(i%256)
		guess(d, ip, 3, now)     // banned
		guess(d, "x"+ip, 1, now) // scored, never banned
	}
	guess(d, "192.0.2.1", 3, now.Add(2*time.Hour))
	d.forget(now.Add(time.Hour))
	if len(d.byIP) != 1001 {
		t.Fatalf("after an hour the defender holds %d addresses, want the 1001 banned", len(d.byIP))
	}
	d.forget(now.Add(15*time.Minute + 24*time.Hour))
	if len(d.byIP) != 1 || d.byIP["192.0.2.1"] == nil {
		t.Errorf("a day after their bans ended the defender holds %d addresses, want only the one banned since", len(d.byIP))
	}
}
