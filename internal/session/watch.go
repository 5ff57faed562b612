package session

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// Watchers are the subscribers to change notifications, such as the panel's
// live list. A notification says only that something changed; a burst of
// changes is one notification, so 10,000 busy sessions cannot flood a watcher.
// The zero value is ready to use; the fleet's view of many nodes uses it too.
type Watchers struct {
	mu      sync.RWMutex
	subs    map[chan struct{}]struct{}
	version atomic.Uint64
}

// Notify tells every watcher that something changed.
func (w *Watchers) Notify() {
	w.version.Add(1)
	w.mu.RLock()
	defer w.mu.RUnlock()
	for c := range w.subs {
		select {
		case c <- struct{}{}:
		default: // a notification is already pending
		}
	}
}

// Watch returns a channel that receives a value after a change, and a function
// to stop watching.
func (w *Watchers) Watch() (<-chan struct{}, func()) {
	c := make(chan struct{}, 1)
	w.mu.Lock()
	if w.subs == nil {
		w.subs = make(map[chan struct{}]struct{})
	}
	w.subs[c] = struct{}{}
	w.mu.Unlock()
	return c, func() {
		w.mu.Lock()
		delete(w.subs, c)
		w.mu.Unlock()
	}
}

// Watch returns a channel that receives a value after sessions were added, removed
// or changed state, and a function to stop watching.
func (r *Registry) Watch() (<-chan struct{}, func()) { return r.watchers.Watch() }

// Version counts the notifications Watch delivers: while it stays the same, no
// session was added, removed or changed state (byte counts and rates move
// without it).
func (r *Registry) Version() uint64 { return r.watchers.version.Load() }

// TrafficPoint is the server's total transfer rate at one moment.
type TrafficPoint struct {
	At   time.Time
	Rate float64 // bytes per second, all sessions together
}

// TrafficHistoryLen is how many one-second points Traffic keeps: five minutes.
const TrafficHistoryLen = 300

type trafficHistory struct {
	mu     sync.Mutex
	points []TrafficPoint
}

func (h *trafficHistory) add(p TrafficPoint) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.points) == TrafficHistoryLen {
		copy(h.points, h.points[1:])
		h.points = h.points[:TrafficHistoryLen-1]
	}
	h.points = append(h.points, p)
}

// Traffic returns the server's total rate over the last five minutes, oldest first.
func (r *Registry) Traffic() []TrafficPoint {
	r.traffic.mu.Lock()
	defer r.traffic.mu.Unlock()
	return append([]TrafficPoint(nil), r.traffic.points...)
}

// Sample records every session's byte counters for its current rate, and the
// server's total rate. Run calls it every second.
func (r *Registry) Sample() {
	now := r.Now()
	var total float64
	// Under the read lock rather than over a copy of the session list: this runs
	// every second, and an idle server should not make garbage.
	r.mu.RLock()
	for _, s := range r.byID {
		total += s.sample(now)
	}
	r.mu.RUnlock()
	r.traffic.add(TrafficPoint{At: now, Rate: total})
}

// Run samples rates every second until ctx is done.
func (r *Registry) Run(ctx context.Context) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			r.Sample()
		}
	}
}
