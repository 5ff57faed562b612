package store

import (
	"fmt"
	"slices"
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

func TestAudit(t *testing.T) { forEachStore(t, testAudit) }

func testAudit(t *testing.T) {
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
		databaseURL, dir := freshStore(t)
		db := mustOpenURL(t, databaseURL, dir)
		record(t, db)
		if err := db.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		db = mustOpenURL(t, databaseURL, dir)
		checkAll(t, mustAuditEntries(t, db, 10))
	})
}

func TestAuditQuery(t *testing.T) { forEachStore(t, testAuditQuery) }

func testAuditQuery(t *testing.T) {
	db := mustOpen(t)
	base := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
	// Recorded in this order: s-1 is the oldest, "anon" the newest.
	for i, e := range []AuditEntry{
		{Actor: "root", SessionID: "s-1", FTPLogin: "web1", Customer: "acme"},
		{Actor: "root", SessionID: "s-2", FTPLogin: "gx1", Customer: "globex"},
		{Actor: "acme", SessionID: "s-3", FTPLogin: "web2", Customer: "acme"},
		{Actor: "root", SessionID: "s-4", FTPLogin: "web1", Customer: "acme"},
		// A connection that had not logged in belongs to no customer.
		{Actor: "root", SessionID: "anon"},
	} {
		e.At, e.Action, e.RemoteIP = base.Add(time.Duration(i)*time.Minute), "disconnect", "192.0.2.7"
		if err := db.RecordAudit(t.Context(), e); err != nil {
			t.Fatalf("RecordAudit: %v", err)
		}
	}
	sessions := func(q AuditQuery) []string {
		t.Helper()
		got, err := db.Audit(t.Context(), q)
		if err != nil {
			t.Fatalf("Audit(%+v): %v", q, err)
		}
		var out []string
		for _, e := range got {
			out = append(out, e.SessionID)
		}
		return out
	}
	for _, tc := range []struct {
		name string
		q    AuditQuery
		want []string
	}{
		{"OK", AuditQuery{}, []string{"anon", "s-4", "s-3", "s-2", "s-1"}},
		{"OneCustomer", AuditQuery{Customer: "acme"}, []string{"s-4", "s-3", "s-1"}},
		{"OtherCustomer", AuditQuery{Customer: "globex"}, []string{"s-2"}},
		{"CustomerIsExact", AuditQuery{Customer: "acm"}, nil},
		{"CustomerIsNotAPattern", AuditQuery{Customer: "%"}, nil},
		{"LimitAndOffset", AuditQuery{Limit: 2, Offset: 1}, []string{"s-4", "s-3"}},
		{"CustomerPages", AuditQuery{Customer: "acme", Limit: 2, Offset: 2}, []string{"s-1"}},
		{"PastTheEnd", AuditQuery{Limit: 2, Offset: 5}, nil},
		{"NegativeOffsetIsTheStart", AuditQuery{Limit: 1, Offset: -3}, []string{"anon"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := sessions(tc.q); !slices.Equal(got, tc.want) {
				t.Errorf("Audit(%+v) = %v, want %v", tc.q, got, tc.want)
			}
		})
	}

	t.Run("ZeroLimitIsAHundred", func(t *testing.T) {
		db := mustOpen(t)
		for i := range 101 {
			if err := db.RecordAudit(t.Context(), AuditEntry{Actor: "root", Action: "disconnect", SessionID: fmt.Sprint(i)}); err != nil {
				t.Fatalf("RecordAudit: %v", err)
			}
		}
		got, err := db.Audit(t.Context(), AuditQuery{})
		if err != nil {
			t.Fatalf("Audit: %v", err)
		}
		if len(got) != 100 || got[0].SessionID != "100" || got[99].SessionID != "1" {
			t.Errorf("Audit with no limit: %d entries; want the newest 100, \"100\" down to \"1\"", len(got))
		}
	})
}
