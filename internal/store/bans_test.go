package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestBans(t *testing.T) {
	db := mustOpen(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }

	if _, err := db.ActiveBan(ctx, "203.0.113.7"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("no bans yet: %v", err)
	}
	hour, err := db.AddBan(ctx, Ban{IP: "203.0.113.7", Reason: "abuse", CreatedBy: "admin", Until: now.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
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
