package session

import (
	"context"
	"testing"
	"time"
)

func TestRateFollowsRecentTraffic(t *testing.T) {
	r, clk := clockRegistry(t0)
	c := addLoggedIn(r, "web1", "acme", t0)
	c.s.StartTransfer(StateUploading, "/big.bin", -1, t0)

	rate := func() Snapshot {
		t.Helper()
		snap, err := r.Get(c.s.ID(), AllSessions())
		if err != nil {
			t.Fatalf("Get: %v", err)
		}
		return snap
	}
	if got := rate().Rate; got != 0 {
		t.Fatalf("Rate before any sample = %v, want 0", got)
	}

	// 1000 bytes a second for five seconds (up and down both count), then nothing.
	// Rates are over the last 6 samples, i.e. 5 one-second intervals.
	wantRates := []float64{
		0,    // 0s: a single sample gives no rate
		1000, // 1s
		1000, // 2s
		1000, // 3s
		1000, // 4s
		1000, // 5s: last bytes
		800,  // 6s: 1000..5000 over 1s..6s
		600,  // 7s: 2000..5000
		400,  // 8s
		200,  // 9s: 4000..5000 over 4s..9s
		0,    // 10s: the stall fills the window
		0,    // 11s
	}
	for i, want := range wantRates {
		now := at(time.Duration(i) * time.Second)
		clk.Set(now)
		if i >= 1 && i <= 5 {
			c.s.AddUp(600, now)
			c.s.AddDown(400, now)
		}
		r.Sample()
		snap := rate()
		if snap.Rate != want {
			t.Errorf("after sample at %ds: Rate = %v, want %v", i, snap.Rate, want)
		}
		if i == 5 && snap.TransferRate != 1000 {
			t.Errorf("at 5s: TransferRate = %v, want 1000", snap.TransferRate)
		}
	}
	// The average since the start does not drop to zero: 5000 bytes in 11s.
	if got, want := rate().TransferRate, 5000.0/11; got != want {
		t.Errorf("stalled: TransferRate = %v, want %v", got, want)
	}
	if got := r.List(AllSessions(), Filter{})[0].Rate; got != 0 {
		t.Errorf("stalled: List Rate = %v, want 0", got)
	}

	// Bytes moved since the last sample do not change the rate until sampled.
	c.s.AddUp(9000, at(11*time.Second))
	if got := rate().Rate; got != 0 {
		t.Errorf("before the next sample: Rate = %v, want 0", got)
	}
	clk.Set(at(12 * time.Second))
	r.Sample()
	if got := rate().Rate; got != 1800 { // 9000 bytes over 7s..12s
		t.Errorf("after resuming: Rate = %v, want 1800", got)
	}
}

func TestRateUsesElapsedTime(t *testing.T) {
	// Samples need not be exactly a second apart: the rate is bytes over time.
	r, clk := clockRegistry(t0)
	c := addLoggedIn(r, "web1", "acme", t0)
	r.Sample()
	clk.Set(at(4 * time.Second))
	c.s.AddDown(2000, at(4*time.Second))
	r.Sample()
	snap, err := r.Get(c.s.ID(), AllSessions())
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if snap.Rate != 500 {
		t.Errorf("Rate = %v, want 500 (2000 bytes in 4s)", snap.Rate)
	}
	// A second sample at the same instant adds no time and no bytes.
	r.Sample()
	if snap, _ := r.Get(c.s.ID(), AllSessions()); snap.Rate != 500 {
		t.Errorf("after a repeated sample: Rate = %v, want 500", snap.Rate)
	}
}

func TestTrafficSumsSessionRates(t *testing.T) {
	r, clk := clockRegistry(t0)
	if got := r.Traffic(); len(got) != 0 {
		t.Fatalf("Traffic before any sample = %v, want empty", got)
	}
	a := addLoggedIn(r, "web1", "acme", t0)
	b := addLoggedIn(r, "web2", "other", t0)
	idle := addConn(r, "192.0.2.9", 9, t0)

	r.Sample() // 0s
	clk.Set(at(time.Second))
	a.s.AddUp(300, at(time.Second))
	b.s.AddDown(200, at(time.Second))
	r.Sample() // 1s: 300 + 200 + 0
	clk.Set(at(2 * time.Second))
	a.s.AddUp(700, at(2*time.Second))
	r.Remove(b.s)
	r.Sample() // 2s: a 1000 in 2s; b is gone

	want := []TrafficPoint{
		{At: t0, Rate: 0},
		{At: at(time.Second), Rate: 500},
		{At: at(2 * time.Second), Rate: 500},
	}
	got := r.Traffic()
	if len(got) != len(want) {
		t.Fatalf("Traffic = %v, want %v", got, want)
	}
	for i := range want {
		if !got[i].At.Equal(want[i].At) || got[i].Rate != want[i].Rate {
			t.Errorf("Traffic[%d] = %v %v, want %v %v", i, got[i].At, got[i].Rate, want[i].At, want[i].Rate)
		}
	}
	if snap, _ := r.Get(idle.s.ID(), AllSessions()); snap.Rate != 0 {
		t.Errorf("idle session Rate = %v, want 0", snap.Rate)
	}

	// The result is a copy.
	got[0].Rate = 12345
	if again := r.Traffic(); again[0].Rate != 0 {
		t.Errorf("changing the returned slice changed the history: %v", again[0].Rate)
	}
}

func TestTrafficKeepsRecentHistory(t *testing.T) {
	r, clk := clockRegistry(t0)
	c := addLoggedIn(r, "web1", "acme", t0)
	const extra = 7
	// 1000 bytes a second: every point after the first has rate 1000, and the
	// first point (rate 0) is among those dropped.
	for i := 0; i < TrafficHistoryLen+extra; i++ {
		now := at(time.Duration(i) * time.Second)
		clk.Set(now)
		r.Sample()
		if i == TrafficHistoryLen-1 {
			if got := len(r.Traffic()); got != TrafficHistoryLen {
				t.Fatalf("after %d samples: %d points, want %d", i+1, got, TrafficHistoryLen)
			}
		}
		c.s.AddUp(1000, now)
	}
	got := r.Traffic()
	if len(got) != TrafficHistoryLen {
		t.Fatalf("Traffic has %d points, want %d", len(got), TrafficHistoryLen)
	}
	for i, p := range got {
		if want := at(time.Duration(i+extra) * time.Second); !p.At.Equal(want) {
			t.Fatalf("Traffic[%d].At = %v, want %v (oldest dropped first, oldest first)", i, p.At, want)
		}
		if p.Rate != 1000 {
			t.Errorf("Traffic[%d].Rate = %v, want 1000", i, p.Rate)
		}
	}
}

func TestRunReturnsWhenCanceled(t *testing.T) {
	r := testRegistry(t0)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		r.Run(ctx)
		close(done)
	}()
	select {
	case <-done:
		t.Fatal("Run returned before ctx was cancelled")
	default:
	}
	cancel()
	select {
	case <-done:
	case <-time.After(longWait):
		t.Fatal("Run did not return after ctx was cancelled")
	}

	// Already cancelled: returns at once.
	done2 := make(chan struct{})
	go func() {
		r.Run(ctx)
		close(done2)
	}()
	select {
	case <-done2:
	case <-time.After(longWait):
		t.Fatal("Run with a cancelled ctx did not return")
	}
}
