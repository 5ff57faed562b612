package store

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"
)

func TestBans(t *testing.T) { forEachStore(t, testBans) }

func testBans(t *testing.T) {
	db := mustOpen(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }

	if _, err := db.ActiveBan(ctx, "203.0.113.7"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("no bans yet: %v", err)
	}
	hourBan, err := db.AddBan(ctx, Ban{IP: "203.0.113.7", Reason: "abuse", CreatedBy: "admin", Until: now.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	hour := hourBan.ID
	if _, err := db.AddBan(ctx, Ban{IP: "::ffff:198.51.100.4", CreatedBy: "admin", Until: Forever}); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []Ban{
		{IP: "not-an-ip", CreatedBy: "admin", Until: Forever},
		{IP: "192.0.2.1", CreatedBy: "admin", Until: now},
	} {
		if _, err := db.AddBan(ctx, bad); err == nil {
			t.Errorf("AddBan(%+v) succeeded", bad)
		}
	}

	b, err := db.ActiveBan(ctx, "203.0.113.7")
	if err != nil || b.ID != hour || b.Reason != "abuse" || b.CreatedBy != "admin" || !b.Until.Equal(now.Add(time.Hour)) || b.Permanent() {
		t.Errorf("ActiveBan = %+v, %v", b, err)
	}
	if b, err := db.ActiveBan(ctx, "198.51.100.4"); err != nil || !b.Permanent() {
		t.Errorf("a v4-mapped address is banned as its v4 form: %+v, %v", b, err)
	}
	if _, err := db.ActiveBan(ctx, "203.0.113.70"); !errors.Is(err, ErrNotFound) {
		t.Errorf("another address is not banned: %v", err)
	}
	if list, err := db.Bans(ctx); err != nil || len(list) != 2 {
		t.Errorf("Bans = %d, %v", len(list), err)
	}

	now = now.Add(time.Hour + time.Second)
	if _, err := db.ActiveBan(ctx, "203.0.113.7"); !errors.Is(err, ErrNotFound) {
		t.Errorf("an expired ban still refuses: %v", err)
	}
	if _, err := db.LiftBan(ctx, hour, "admin"); !errors.Is(err, ErrNotFound) {
		t.Errorf("lifting an expired ban: %v", err)
	}
	list, _ := db.Bans(ctx)
	if len(list) != 1 {
		t.Fatalf("%d bans in force, want 1", len(list))
	}
	lifted, err := db.LiftBan(ctx, list[0].ID, "ops")
	if err != nil || lifted.IP != "198.51.100.4" {
		t.Fatalf("LiftBan = %+v, %v", lifted, err)
	}
	if _, err := db.ActiveBan(ctx, "198.51.100.4"); !errors.Is(err, ErrNotFound) {
		t.Errorf("a lifted ban still refuses: %v", err)
	}
	if _, err := db.LiftBan(ctx, list[0].ID, "ops"); !errors.Is(err, ErrNotFound) {
		t.Errorf("lifting twice: %v", err)
	}
}

// TestOneBanPerAddress: banning an address that is banned already extends its
// ban rather than adding one, so lifting that one lets the address in.
func TestOneBanPerAddress(t *testing.T) { forEachStore(t, testOneBanPerAddress) }

func testOneBanPerAddress(t *testing.T) {
	db := mustOpen(t)
	ctx := t.Context()
	clock := newFakeClock()
	db.Now = clock.Now
	now := clock.Now()

	first, err := db.AddBan(ctx, Ban{IP: "203.0.113.7", Reason: "too many failed logins", CreatedBy: "defender", Until: now.Add(15 * time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	longer, err := db.AddBan(ctx, Ban{IP: "203.0.113.7", Reason: "password guessing", CreatedBy: "admin", Until: now.Add(time.Hour)})
	if err != nil || longer.ID != first.ID || !longer.Until.Equal(now.Add(time.Hour)) || longer.CreatedBy != "admin" || longer.Reason != "password guessing" {
		t.Errorf("a longer ban on a banned address = %+v, %v; want ban %d extended to an hour", longer, err, first.ID)
	}
	shorter, err := db.AddBan(ctx, Ban{IP: "203.0.113.7", CreatedBy: "defender", Until: now.Add(30 * time.Minute)})
	if err != nil || shorter != longer {
		t.Errorf("a shorter ban on a banned address = %+v, %v; want the hour's ban unchanged", shorter, err)
	}
	if list, err := db.Bans(ctx); err != nil || len(list) != 1 || list[0] != longer {
		t.Fatalf("Bans = %+v, %v; want the one ban", list, err)
	}

	// Others banning at the same time make one ban too.
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			if _, err := db.AddBan(ctx, Ban{IP: "198.51.100.4", CreatedBy: "defender", Until: now.Add(time.Duration(i+1) * time.Minute)}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if b, err := db.ActiveBan(ctx, "198.51.100.4"); err != nil || !b.Until.Equal(now.Add(8*time.Minute)) {
		t.Errorf("after concurrent bans: %+v, %v; want the longest", b, err)
	}
	if list, _ := db.Bans(ctx); len(list) != 2 {
		t.Errorf("%d bans in force on two addresses", len(list))
	}

	// Nothing writes a second ban in force past the store either.
	if _, err := db.db.ExecContext(ctx, `INSERT INTO bans (ip, created_by, created_at, until) VALUES (?, 'other', ?, ?)`,
		"203.0.113.7", formatTime(now), formatTime(now.Add(2*time.Hour))); err == nil {
		t.Error("a second ban in force was written")
	}

	if _, err := db.LiftBan(ctx, first.ID, "ops"); err != nil {
		t.Fatal(err)
	}
	if b, err := db.ActiveBan(ctx, "203.0.113.7"); !errors.Is(err, ErrNotFound) {
		t.Errorf("after the lift the address is still banned: %+v, %v", b, err)
	}
	again, err := db.AddBan(ctx, Ban{IP: "203.0.113.7", CreatedBy: "defender", Until: now.Add(time.Minute)})
	if err != nil || again.ID == first.ID {
		t.Errorf("a ban after the lift = %+v, %v; want a new one", again, err)
	}
}

// TestMigrationFoldsBansPerAddress: a database from before one ban per address
// keeps, of the bans in force on an address, the one lasting longest.
func TestMigrationFoldsBansPerAddress(t *testing.T) {
	path := tempDBPath(t)
	raw := openRawBefore(t, path, "0007")
	ctx := t.Context()
	exec := func(query string, args ...any) {
		t.Helper()
		if _, err := raw.ExecContext(ctx, query, args...); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
	}
	// What one burst of failures left: three bans in force on one address.
	now := time.Now()
	for _, b := range []struct {
		ip    string
		until time.Duration
	}{
		{"203.0.113.7", -time.Hour}, // ended before
		{"203.0.113.7", 15 * time.Minute},
		{"203.0.113.7", time.Hour},
		{"203.0.113.7", 30 * time.Minute},
		{"198.51.100.4", time.Hour},
	} {
		exec(`INSERT INTO bans (ip, created_by, created_at, until) VALUES (?, 'defender', ?, ?)`,
			b.ip, formatTime(now.Add(-time.Minute)), formatTime(now.Add(b.until)))
	}

	db := mustOpenFile(t, path)
	list, err := db.Bans(ctx)
	if err != nil || len(list) != 2 {
		t.Fatalf("Bans = %+v, %v; want one per address", list, err)
	}
	b, err := db.ActiveBan(ctx, "203.0.113.7")
	if err != nil || b.Until.Sub(now).Round(time.Minute) != time.Hour {
		t.Fatalf("the ban kept = %+v, %v; want the hour's", b, err)
	}
	if _, err := db.LiftBan(ctx, b.ID, "ops"); err != nil {
		t.Fatal(err)
	}
	if b, err := db.ActiveBan(ctx, "203.0.113.7"); !errors.Is(err, ErrNotFound) {
		t.Errorf("after lifting the ban kept, the address is still banned: %+v, %v", b, err)
	}
	if n := countRows(t, raw, `SELECT count(*) FROM bans WHERE lifted_by = 'ftppanel'`); n != 2 {
		t.Errorf("%d bans folded, want 2", n)
	}
}

// TestBanChangesForTheFleet: the store tells of the bans made and lifted here,
// and takes in the fleet's, which may shorten a ban, without telling of them.
func TestBanChangesForTheFleet(t *testing.T) { forEachStore(t, testBanChangesForTheFleet) }

func testBanChangesForTheFleet(t *testing.T) {
	db := mustOpen(t)
	ctx := t.Context()
	clock := newFakeClock()
	db.Now = clock.Now
	now := clock.Now()
	var told []string
	db.OnBanChange(func(ip string) { told = append(told, ip) })
	expectTold := func(what string, want ...string) {
		t.Helper()
		if !slices.Equal(told, want) {
			t.Errorf("%s: told of %q, want %q", what, told, want)
		}
		told = nil
	}

	hour, err := db.AddBan(ctx, Ban{IP: "203.0.113.7", CreatedBy: "admin", Until: now.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	expectTold("a new ban", "203.0.113.7")
	db.AddBan(ctx, Ban{IP: "203.0.113.7", CreatedBy: "admin", Until: now.Add(time.Minute)})
	expectTold("a shorter ban, which changes nothing")
	db.AddBan(ctx, Ban{IP: "::ffff:203.0.113.7", CreatedBy: "admin", Until: now.Add(2 * time.Hour)})
	expectTold("a longer ban", "203.0.113.7")

	// The fleet's word is taken as it is, a shorter ban too, untold.
	fleet := Ban{IP: "203.0.113.7", Reason: "from b", CreatedBy: "bob", CreatedAt: now.Add(-time.Minute), Until: now.Add(30 * time.Minute)}
	if changed, err := db.ApplyBan(ctx, fleet, nil); err != nil || !changed {
		t.Fatalf("ApplyBan = %v, %v", changed, err)
	}
	if b, err := db.ActiveBan(ctx, "203.0.113.7"); err != nil || b.ID != hour.ID || !b.Until.Equal(fleet.Until) ||
		b.CreatedBy != "bob" || b.Reason != "from b" || !b.CreatedAt.Equal(fleet.CreatedAt) {
		t.Errorf("after ApplyBan: %+v, %v; want the fleet's ban", b, err)
	}
	if changed, _ := db.ApplyBan(ctx, fleet, nil); changed {
		t.Error("the same ban again changed something")
	}
	if changed, _ := db.ApplyBan(ctx, Ban{IP: "203.0.113.7", CreatedBy: "x", Until: Forever}, func() bool { return true }); changed {
		t.Error("a skipped ApplyBan changed something")
	}
	expectTold("the fleet's bans")

	// A lift made elsewhere, then one made here.
	if lifted, err := db.ApplyLift(ctx, "203.0.113.7", "fleet", nil); err != nil || !lifted {
		t.Fatalf("ApplyLift = %v, %v", lifted, err)
	}
	if lifted, _ := db.ApplyLift(ctx, "203.0.113.7", "fleet", nil); lifted {
		t.Error("lifting twice lifted something")
	}
	st, err := db.BanState(ctx, "203.0.113.7")
	if err != nil || st.Ban.ID != 0 || !st.LiftedAt.Equal(now) {
		t.Errorf("BanState after the lift = %+v, %v", st, err)
	}
	perm, _ := db.AddBan(ctx, Ban{IP: "2001:db8::7", CreatedBy: "admin", Until: Forever})
	db.LiftBan(ctx, perm.ID, "admin")
	expectTold("a ban and a lift here", "2001:db8::7", "2001:db8::7")

	// A ban the fleet made before one here ended takes its place: one ban per
	// address holds.
	db.AddBan(ctx, Ban{IP: "198.51.100.4", CreatedBy: "defender", Until: now.Add(10 * time.Minute)})
	expectTold("the defender's ban", "198.51.100.4")
	clock.Advance(20 * time.Minute)
	earlier := Ban{IP: "198.51.100.4", CreatedBy: "defender", CreatedAt: now.Add(5 * time.Minute), Until: now.Add(time.Hour)}
	if changed, err := db.ApplyBan(ctx, earlier, nil); err != nil || !changed {
		t.Fatalf("ApplyBan over an ended ban = %v, %v", changed, err)
	}
	if b, err := db.ActiveBan(ctx, "198.51.100.4"); err != nil || !b.Until.Equal(earlier.Until) {
		t.Errorf("after ApplyBan over an ended ban: %+v, %v", b, err)
	}
	if changed, _ := db.ApplyBan(ctx, Ban{IP: "192.0.2.1", CreatedBy: "x", CreatedAt: now, Until: now.Add(time.Minute)}, nil); changed {
		t.Error("a ban that has ended was added")
	}
	if list, _ := db.Bans(ctx); len(list) != 1 {
		t.Errorf("%d bans in force, want 1", len(list))
	}

	db.OnBanChange(nil)
	db.AddBan(ctx, Ban{IP: "192.0.2.1", CreatedBy: "admin", Until: Forever})
	expectTold("after OnBanChange(nil)")
}
