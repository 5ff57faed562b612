package store

import (
	"context"
	"fmt"
	"testing"
	"time"
)

func TestHistory(t *testing.T) { forEachStore(t, testHistory) }

func testHistory(t *testing.T) {
	db := mustOpen(t)
	ctx := context.Background()
	base := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	entry := func(id, login, customer, ip, reason string, ended time.Duration) HistoryEntry {
		return HistoryEntry{SessionID: id, FTPLogin: login, Customer: customer, RemoteIP: ip, RemotePort: 40000,
			ConnectedAt: base, LoggedInAt: base.Add(time.Second), EndedAt: base.Add(ended),
			BytesUp: 10, BytesDown: 20, FilesUp: 1, FilesDown: 2, EndReason: reason}
	}
	if err := db.RecordHistory(ctx, []HistoryEntry{
		entry("S1", "bob", "acme", "203.0.113.7", "quit", time.Minute),
		entry("S2", "carol", "globex", "198.51.100.4", "disconnected by admin", 2*time.Minute),
		entry("S3", "bob", "acme", "203.0.113.7", "idle timeout", 3*time.Minute),
		{SessionID: "S4", RemoteIP: "192.0.2.1", ConnectedAt: base, EndedAt: base.Add(90 * time.Second), EndReason: "login failed"},
		// A panel user whose name holds another reason.
		entry("S5", "dave", "globex", "198.51.100.9", "disconnected by quitterie", 4*time.Minute),
	}); err != nil {
		t.Fatal(err)
	}
	// Recording a session twice keeps the first row.
	if err := db.RecordHistory(ctx, []HistoryEntry{entry("S1", "bob", "acme", "203.0.113.7", "other", time.Hour)}); err != nil {
		t.Fatal(err)
	}
	ids := func(q HistoryQuery) []string {
		t.Helper()
		entries, err := db.History(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range entries {
			out = append(out, e.SessionID)
		}
		return out
	}
	for _, tc := range []struct {
		name string
		q    HistoryQuery
		want []string
	}{
		{"all, newest first", HistoryQuery{}, []string{"S5", "S3", "S2", "S4", "S1"}},
		{"one customer", HistoryQuery{Customer: "acme"}, []string{"S3", "S1"}},
		{"customer is exact", HistoryQuery{Customer: "acm"}, nil},
		{"login substring", HistoryQuery{Login: "car"}, []string{"S2"}},
		{"ip substring", HistoryQuery{IP: "203.0.113"}, []string{"S3", "S1"}},
		{"reason", HistoryQuery{Reason: "disconnected by"}, []string{"S5", "S2"}},
		{"end kind, whoever did it", HistoryQuery{EndKind: "disconnected"}, []string{"S5", "S2"}},
		{"end kind is not a substring", HistoryQuery{EndKind: "quit"}, []string{"S1"}},
		{"end kind is not a prefix", HistoryQuery{EndKind: "disconnect"}, nil},
		{"end kind of two words", HistoryQuery{EndKind: "login failed"}, []string{"S4"}},
		{"end kind wildcards are literal", HistoryQuery{EndKind: "_uit"}, nil},
		{"LIKE wildcards are literal", HistoryQuery{Login: "%"}, nil},
		{"limit and offset", HistoryQuery{Limit: 2, Offset: 2}, []string{"S2", "S4"}},
		{"negative offset is the start", HistoryQuery{Limit: 1, Offset: -5}, []string{"S5"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := ids(tc.q)
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("got %v, want %v", got, tc.want)
				}
			}
		})
	}

	entries, err := db.History(ctx, HistoryQuery{Login: "bob", Reason: "quit"})
	if err != nil || len(entries) != 1 {
		t.Fatalf("History: %v, %d entries", err, len(entries))
	}
	if e := entries[0]; e.EndReason != "quit" || e.BytesUp != 10 || e.BytesDown != 20 || e.FilesUp != 1 || e.FilesDown != 2 ||
		!e.LoggedInAt.Equal(base.Add(time.Second)) || e.Duration() != time.Minute {
		t.Errorf("round trip: %+v", e)
	}
	if e, _ := db.History(ctx, HistoryQuery{Reason: "login failed"}); len(e) != 1 || !e[0].LoggedInAt.IsZero() {
		t.Errorf("a session that never logged in: %+v", e)
	}

	n, err := db.PruneHistory(ctx, base.Add(100*time.Second))
	if err != nil || n != 2 {
		t.Fatalf("PruneHistory: %d, %v; want 2 (S1 and S4)", n, err)
	}
	if got := ids(HistoryQuery{}); len(got) != 3 || got[0] != "S5" || got[1] != "S3" || got[2] != "S2" {
		t.Errorf("after pruning: %v", got)
	}
}

// TestHistoryManyAtOnce: a batch longer than one INSERT takes is written whole,
// a session in it twice (or already recorded) once.
func TestHistoryManyAtOnce(t *testing.T) { forEachStore(t, testHistoryManyAtOnce) }

func testHistoryManyAtOnce(t *testing.T) {
	db := mustOpen(t)
	base := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	entry := func(i int) HistoryEntry {
		return HistoryEntry{SessionID: fmt.Sprintf("S%d", i), FTPLogin: "bob", RemoteIP: "192.0.2.1",
			ConnectedAt: base, EndedAt: base.Add(time.Duration(i) * time.Second), EndReason: "quit"}
	}
	if err := db.RecordHistory(t.Context(), []HistoryEntry{entry(0)}); err != nil {
		t.Fatal(err)
	}
	var batch []HistoryEntry
	for i := range 2*historyRowsPerInsert + 10 {
		batch = append(batch, entry(i))
	}
	batch = append(batch, entry(7))
	if err := db.RecordHistory(t.Context(), batch); err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, db.db, `SELECT count(*) FROM session_history`); n != 2*historyRowsPerInsert+10 {
		t.Errorf("%d rows, want %d", n, 2*historyRowsPerInsert+10)
	}
}
