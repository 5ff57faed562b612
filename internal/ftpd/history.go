package ftpd

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ftppanel/ftppanel/internal/session"
	"github.com/ftppanel/ftppanel/internal/store"
)

// historyFlushEvery is how often ended sessions are written to the database, in
// one transaction for all that ended since.
const historyFlushEvery = 250 * time.Millisecond

// While the database refuses writes (a full disk, a read-only file, a server
// out of reach), ended sessions wait in memory, in order, and are tried again
// after historyRetryEvery, the pause doubling up to historyRetryMax; past
// maxPendingHistory the oldest are given up, in the log and in LostHistory.
const (
	historyRetryEvery   = time.Second
	historyRetryMax     = 5 * time.Second
	historyWriteTimeout = 15 * time.Second
	maxPendingHistory   = 100_000
)

// historyWriter records every ended session in the database. The registry hands
// it sessions on the FTP side's goroutines, which must not wait for the disk, so
// it queues them and a goroutine of its own writes them.
type historyWriter struct {
	store     *store.DB
	log       *slog.Logger
	now       func() time.Time
	retention time.Duration // 0 keeps history forever

	mu      sync.Mutex
	pending []store.HistoryEntry
	failing bool // the last write failed; only run's goroutine touches it
	lost    atomic.Int64
	wake    chan struct{}
	stop    chan struct{}
	done    chan struct{}
}

// pruneEvery is how often sessions older than the retention are deleted.
const pruneEvery = time.Hour

func newHistoryWriter(db *store.DB, log *slog.Logger, now func() time.Time, retention time.Duration) *historyWriter {
	w := &historyWriter{store: db, log: log, now: now, retention: retention,
		wake: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	go w.run()
	return w
}

// record queues an ended session; it never blocks.
func (w *historyWriter) record(s session.Snapshot) {
	w.mu.Lock()
	w.pending = append(w.pending, store.HistoryEntry{
		SessionID:   s.ID,
		FTPLogin:    s.Login,
		Customer:    s.Customer,
		RemoteIP:    s.RemoteIP,
		RemotePort:  s.RemotePort,
		Client:      s.Client,
		TLS:         s.TLS,
		ConnectedAt: s.ConnectedAt,
		LoggedInAt:  s.LoggedInAt,
		EndedAt:     s.Now,
		BytesUp:     s.BytesUp,
		BytesDown:   s.BytesDown,
		FilesUp:     s.FilesUp,
		FilesDown:   s.FilesDown,
		EndReason:   s.EndReason.String(),
	})
	w.mu.Unlock()
	w.poke()
}

// poke makes run write what is queued, without waiting.
func (w *historyWriter) poke() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

func (w *historyWriter) run() {
	defer close(w.done)
	prune := time.NewTicker(pruneEvery)
	defer prune.Stop()
	w.prune()
	retry := historyRetryEvery
	for {
		select {
		case <-w.stop:
			w.finish()
			return
		case <-prune.C:
			w.prune()
			continue
		case <-w.wake:
		}
		// Let a burst of ends gather into one transaction.
		pause := historyFlushEvery
		if w.flush() {
			retry = historyRetryEvery
		} else {
			pause, retry = retry, min(2*retry, historyRetryMax)
			w.poke() // try again after the pause, even if no other session ends
		}
		select {
		case <-w.stop:
			w.finish()
			return
		case <-time.After(pause):
		}
	}
}

// finish makes a last attempt at stopping; the log says what could not be written.
func (w *historyWriter) finish() {
	if w.flush() {
		return
	}
	w.mu.Lock()
	lost := len(w.pending)
	w.mu.Unlock()
	w.lost.Add(int64(lost))
	w.log.Error("session history lost at shutdown: the database refused it", slog.Int("sessions", lost))
}

// flush writes the queued sessions and reports whether it could. What the
// database refused stays queued, oldest first.
func (w *historyWriter) flush() bool {
	w.mu.Lock()
	batch := w.pending
	w.pending = nil
	w.mu.Unlock()
	// A store that hangs rather than refuses is given up on for this attempt.
	ctx, cancel := context.WithTimeout(context.Background(), historyWriteTimeout)
	err := w.store.RecordHistory(ctx, batch)
	cancel()
	if err == nil {
		if w.failing {
			w.failing = false
			w.log.Info("session history written again", slog.Int("sessions", len(batch)))
		}
		return true
	}
	w.mu.Lock()
	w.pending = append(batch, w.pending...)
	dropped := max(0, len(w.pending)-maxPendingHistory)
	w.pending = w.pending[dropped:]
	w.mu.Unlock()
	if !w.failing {
		w.failing = true
		w.log.Error("record session history: will try again", slog.Int("sessions", len(batch)), slog.Any("error", err))
	}
	if dropped > 0 {
		w.lost.Add(int64(dropped))
		w.log.Error("session history given up: too many sessions waiting for the database", slog.Int("sessions", dropped))
	}
	return false
}

func (w *historyWriter) prune() {
	if w.retention <= 0 {
		return
	}
	n, err := w.store.PruneHistory(context.Background(), w.now().Add(-w.retention))
	if err != nil {
		w.log.Error("prune session history", slog.Any("error", err))
	} else if n > 0 {
		w.log.Info("pruned session history", slog.Int64("sessions", n), slog.Duration("older than", w.retention))
	}
}

// close writes what is queued and stops.
func (w *historyWriter) close() {
	close(w.stop)
	<-w.done
}

// LostHistory is how many ended sessions were never written to the history:
// the store refused them for too long, or still did at shutdown.
func (s *Server) LostHistory() int64 { return s.history.lost.Load() }
