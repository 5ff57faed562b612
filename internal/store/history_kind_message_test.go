package store

import (
	"context"
	"slices"
	"testing"
	"time"
)

// A session ended with a message is stored as "KIND: MESSAGE" (a maintenance
// deadline) or "KIND by WHO: MESSAGE" (a disconnect with a reason); the end-kind
// filter finds both, and still not a kind that only starts the same.
func TestHistoryEndKindWithMessage(t *testing.T) { forEachStore(t, testHistoryEndKindWithMessage) }

func testHistoryEndKindWithMessage(t *testing.T) {
	db := mustOpen(t)
	ctx := context.Background()
	base := time.Date(2026, 12, 3, 6, 0, 0, 0, time.UTC)
	var entries []HistoryEntry
	for i, reason := range []string{"maintenance", "maintenance: back at 10", "disconnected by admin: stop that",
		"disconnected", "quit"} {
		entries = append(entries, HistoryEntry{SessionID: string(rune('A' + i)), RemoteIP: "192.0.2.1",
			ConnectedAt: base, EndedAt: base.Add(time.Duration(i) * time.Minute), EndReason: reason})
	}
	if err := db.RecordHistory(ctx, entries); err != nil {
		t.Fatal(err)
	}
	for kind, want := range map[string][]string{"maintenance": {"B", "A"}, "disconnected": {"D", "C"}, "quit": {"E"}, "disconnect": nil} {
		got, err := db.History(ctx, HistoryQuery{EndKind: kind})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, e := range got {
			ids = append(ids, e.SessionID)
		}
		if !slices.Equal(ids, want) {
			t.Errorf("end kind %q: got %v, want %v", kind, ids, want)
		}
	}
}
