package session

import (
	"context"
	"testing"
	"time"
)

func TestMaintenanceOnOffAndDeadline(t *testing.T) {
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	r, c := clockRegistry(start)
	if m := r.Maintenance(); m.On {
		t.Fatalf("a new registry is in maintenance: %+v", m)
	}
	m := r.StartMaintenance("alice", "Back\r\nsoon", 0)
	if !m.On || m.By != "alice" || m.Message != "Back soon" || !m.Since.Equal(start) || !m.Deadline.IsZero() {
		t.Fatalf("on: %+v", m)
	}
	c.Set(start.Add(time.Minute))
	if m := r.StartMaintenance("bob", "Later", 0); !m.Since.Equal(start) || m.By != "bob" {
		t.Errorf("switched on again: %+v, want the first Since kept", m)
	}
	was, on := r.StopMaintenance()
	if !on || was.Message != "Later" || r.Maintenance().On {
		t.Errorf("off: was %+v on %v, now %+v", was, on, r.Maintenance())
	}
	if _, on := r.StopMaintenance(); on {
		t.Errorf("off twice reports it was on")
	}

	// A deadline ends every session with the message, and off before it cancels it.
	kept := addLoggedIn(r, "keep", "acme", start)
	r.StartMaintenance("alice", "x", time.Hour)
	r.StopMaintenance()
	ended := addLoggedIn(r, "web1", "acme", start)
	r.StartMaintenance("alice", "Going down", time.Millisecond)
	for _, fc := range []*fakeConn{kept, ended} {
		waitClosed(t, fc)
		// The reason is set before the close func runs.
		if got := fc.s.Snapshot(start).EndReason; got.Kind != EndMaintenance || got.Message != "Going down" {
			t.Errorf("end reason %+v", got)
		}
	}
}

func TestDrainEndsIdleSessionsAndWaitsForTransfers(t *testing.T) {
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	r, _ := clockRegistry(start)
	idle := addLoggedIn(r, "idle", "acme", start)
	busy := addLoggedIn(r, "busy", "acme", start)
	busy.s.StartTransfer(StateDownloading, "/big", 100, start)
	done := make(chan struct{})
	go func() {
		defer close(done)
		r.Drain(context.Background(), time.Hour)
	}()
	waitClosed(t, idle)
	if busy.calls.Load() != 0 {
		t.Errorf("the transferring session was closed with the idle one")
	}
	busy.s.EndTransfer(start, true)
	waitClosed(t, busy)
	<-done

	// Without a grace nothing is closed.
	other := addLoggedIn(r, "other", "acme", start)
	r.Drain(context.Background(), 0)
	if other.calls.Load() != 0 {
		t.Errorf("Drain with no grace closed a session")
	}
}

func TestDrainGivesUpAfterTheGrace(t *testing.T) {
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	r, _ := clockRegistry(start)
	busy := addLoggedIn(r, "busy", "acme", start)
	busy.s.StartTransfer(StateUploading, "/big", -1, start)
	r.Drain(context.Background(), time.Millisecond) // returns, the transfer still running
	if busy.calls.Load() != 0 {
		t.Errorf("Drain closed a session still transferring")
	}
	if err := r.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	waitClosed(t, busy)
	if got := busy.s.Snapshot(start).EndReason.Kind; got != EndServerShutdown {
		t.Errorf("ended as %q", got)
	}
}
