package store

import (
	"testing"
	"time"
)

func mustAuditEntries(t *testing.T, db *DB, limit int) []AuditEntry {
	t.Helper()
	got, err := db.AuditEntries(t.Context(), limit)
	if err != nil {
		t.Fatalf("AuditEntries(%d): %v", limit, err)
	}
	return got
}

// sameEntry compares all fields, times with Equal.
func sameEntry(a, b AuditEntry) bool {
	at := a.At.Equal(b.At)
	a.At, b.At = time.Time{}, time.Time{}
	return at && a == b
}

func TestAudit(t *testing.T) {
	base := time.Date(2025, 3, 4, 5, 6, 7, 123456789, time.FixedZone("CET", 3600))
	entries := []AuditEntry{
		{At: base, Actor: "root", Action: "disconnect", SessionID: "s-1", FTPLogin: "web1",
			Customer: "acme", RemoteIP: "192.0.2.7", Detail: "STOR /big.iso"},
		{At: base.Add(time.Minute), Actor: "acme", Action: "disconnect", SessionID: "s-2", FTPLogin: "web2",
			Customer: "acme", RemoteIP: "2001:db8::1", Detail: "idle; quotes ' \" and ünïcödé"},
		// Older timestamp but recorded later: order is by recording, newest first.
		{At: base.Add(-time.Hour), Actor: "root", Action: "login"},
	}

	record := func(t *testing.T, db *DB) {
		t.Helper()
		for _, e := range entries {
			if err := db.RecordAudit(t.Context(), e); err != nil {
				t.Fatalf("RecordAudit(%+v): %v", e, err)
			}
		}
	}
	checkAll := func(t *testing.T, got []AuditEntry) {
		t.Helper()
		if len(got) != len(entries) {
			t.Fatalf("AuditEntries returned %d entries, want %d: %+v", len(got), len(entries), got)
		}
		for i, g := range got {
			want := entries[len(entries)-1-i]
			want.ID = g.ID
			if !sameEntry(g, want) {
				t.Errorf("entry %d = %+v, want %+v", i, g, want)
			}
			if g.ID == 0 {
				t.Errorf("entry %d has no ID", i)
			}
			if i > 0 && g.ID >= got[i-1].ID {
				t.Errorf("entry %d ID %d not below previous %d: want newest first", i, g.ID, got[i-1].ID)
			}
		}
	}

	t.Run("Empty", func(t *testing.T) {
		db := mustOpen(t)
		if got := mustAuditEntries(t, db, 10); len(got) != 0 {
			t.Errorf("AuditEntries on an empty database = %+v, want none", got)
		}
	})
	t.Run("OK", func(t *testing.T) {
		db := mustOpen(t)
		record(t, db)
		checkAll(t, mustAuditEntries(t, db, 10))
	})
	t.Run("Limit", func(t *testing.T) {
		db := mustOpen(t)
		record(t, db)
		got := mustAuditEntries(t, db, 2)
		if len(got) != 2 {
			t.Fatalf("AuditEntries(2) returned %d entries", len(got))
		}
		if got[0].Action != "login" || got[1].SessionID != "s-2" {
			t.Errorf("AuditEntries(2) = %+v, want the two newest (login, then s-2)", got)
		}
	})
	t.Run("ZeroAtIsNow", func(t *testing.T) {
		db := mustOpen(t)
		clock := newFakeClock()
		db.Now = clock.Now
		if err := db.RecordAudit(t.Context(), AuditEntry{Actor: "root", Action: "disconnect"}); err != nil {
			t.Fatalf("RecordAudit: %v", err)
		}
		got := mustAuditEntries(t, db, 1)
		if len(got) != 1 || !got[0].At.Equal(clock.Now()) {
			t.Fatalf("AuditEntries = %+v, want one entry at %v", got, clock.Now())
		}
		if got[0].SessionID != "" || got[0].Detail != "" {
			t.Errorf("unset fields = %+v, want empty", got[0])
		}
	})
	t.Run("SurvivesReopen", func(t *testing.T) {
		path := tempDBPath(t)
		db := mustOpenFile(t, path)
		record(t, db)
		if err := db.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		db = mustOpenFile(t, path)
		checkAll(t, mustAuditEntries(t, db, 10))
	})
}
