package store

import (
	"context"
	"testing"
	"time"
)

// OnBan hears of a ban added, made longer and lifted, not of one that changes
// nothing; OnAudit of each entry RecordAudit takes, with its time and node.
func TestOnBanAndOnAudit(t *testing.T) { forEachStore(t, testOnBanAndOnAudit) }

func testOnBanAndOnAudit(t *testing.T) {
	db := mustOpen(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	db.Node = "n1"
	var bans []BanChange
	var audits []AuditEntry
	db.OnBan = func(c BanChange) { bans = append(bans, c) }
	db.OnAudit = func(e AuditEntry) { audits = append(audits, e) }

	b, err := db.AddBan(ctx, Ban{IP: "203.0.113.7", CreatedBy: "admin", Until: now.Add(2 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddBan(ctx, Ban{IP: "203.0.113.7", CreatedBy: "admin", Until: now.Add(time.Hour)}); err != nil {
		t.Fatal(err) // shorter: the ban in force stays, nothing to tell
	}
	if _, err := db.AddBan(ctx, Ban{IP: "203.0.113.7", CreatedBy: "bob", Until: Forever}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.LiftBan(ctx, b.ID, "carol"); err != nil {
		t.Fatal(err)
	}
	if len(bans) != 3 || bans[0].Ban.ID != b.ID || bans[0].Lifted || !bans[1].Ban.Permanent() || bans[1].Ban.CreatedBy != "bob" ||
		!bans[2].Lifted || bans[2].LiftedBy != "carol" || bans[2].Ban.IP != "203.0.113.7" {
		t.Errorf("OnBan heard %+v, want added, made permanent by bob, lifted by carol", bans)
	}

	if err := db.RecordAudit(ctx, AuditEntry{Actor: "admin", Action: "disable account", FTPLogin: "bob"}); err != nil {
		t.Fatal(err)
	}
	if len(audits) != 1 || audits[0].Action != "disable account" || !audits[0].At.Equal(now) || audits[0].Node != "n1" {
		t.Errorf("OnAudit heard %+v", audits)
	}
}
