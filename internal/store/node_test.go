package store

import (
	"testing"
	"time"
)

// TestRowsKnowTheirNode: history and audit rows carry the node that wrote
// them, and the node filter finds them; two nodes share one store.
func TestRowsKnowTheirNode(t *testing.T) { forEachStore(t, testRowsKnowTheirNode) }

func testRowsKnowTheirNode(t *testing.T) {
	databaseURL, dir := freshStore(t)
	a, b := mustOpenURL(t, databaseURL, dir), mustOpenURL(t, databaseURL, dir)
	a.Node, b.Node = "a", "b"
	ctx := t.Context()
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for i, db := range []*DB{a, b} {
		e := HistoryEntry{SessionID: "s-" + db.Node, FTPLogin: "bob", Customer: "acme", RemoteIP: "192.0.2.1",
			ConnectedAt: at, EndedAt: at.Add(time.Duration(i) * time.Second), EndReason: "quit"}
		if err := db.RecordHistory(ctx, []HistoryEntry{e}); err != nil {
			t.Fatal(err)
		}
		// The same session again, from the other node: written once.
		if err := []*DB{b, a}[i].RecordHistory(ctx, []HistoryEntry{e}); err != nil {
			t.Fatal(err)
		}
		if err := db.RecordAudit(ctx, AuditEntry{Actor: "root", Action: "disconnect", Customer: "acme"}); err != nil {
			t.Fatal(err)
		}
	}
	all, err := a.History(ctx, HistoryQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all[0].Node != "b" || all[1].Node != "a" {
		t.Fatalf("history = %+v, want b's session then a's, once each", all)
	}
	onlyA, err := b.History(ctx, HistoryQuery{Node: "a", Customer: "acme"})
	if err != nil || len(onlyA) != 1 || onlyA[0].SessionID != "s-a" {
		t.Errorf("history of node a = %+v, %v", onlyA, err)
	}
	audit, err := a.Audit(ctx, AuditQuery{})
	if err != nil || len(audit) != 2 || audit[0].Node != "b" || audit[1].Node != "a" {
		t.Errorf("audit = %+v, %v", audit, err)
	}
	onlyB, err := a.Audit(ctx, AuditQuery{Node: "b", Customer: "acme"})
	if err != nil || len(onlyB) != 1 || onlyB[0].Node != "b" {
		t.Errorf("audit of node b = %+v, %v", onlyB, err)
	}
	// An entry that names its node keeps it.
	if err := a.RecordAudit(ctx, AuditEntry{Actor: "root", Action: "x", Node: "c"}); err != nil {
		t.Fatal(err)
	}
	if c, _ := a.Audit(ctx, AuditQuery{Node: "c"}); len(c) != 1 {
		t.Errorf("audit of node c = %+v", c)
	}
}
