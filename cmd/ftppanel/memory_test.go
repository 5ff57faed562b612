package main

import (
	"context"
	"testing"
	"time"
)

func TestWorthReleasing(t *testing.T) {
	const mib = 1 << 20
	for _, c := range []struct {
		live, held uint64
		want       bool
	}{
		{live: 2 * mib, held: 4 * mib, want: false},     // small: twice live, but under 8 MiB spare
		{live: 2 * mib, held: 11 * mib, want: true},     // 9 MiB spare
		{live: 100 * mib, held: 120 * mib, want: false}, // a fifth spare
		{live: 100 * mib, held: 130 * mib, want: true},  // 30% spare
		{live: 100 * mib, held: 200 * mib, want: true},  // the heap at its goal
		{live: 0, held: 0, want: false},
	} {
		if got := worthReleasing(c.live, c.held); got != c.want {
			t.Errorf("worthReleasing(live %d MiB, held %d MiB) = %v, want %v", c.live/mib, c.held/mib, got, c.want)
		}
	}
}

func TestReleaseMemoryStops(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		releaseMemory(ctx, time.Millisecond)
	}()
	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("releaseMemory still running 10 s after its context ended")
	}
}
