package ftpd

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/ftppanel/ftppanel/internal/session"
	"github.com/ftppanel/ftppanel/internal/store"
)

// historyFlushEvery is how often ended sessions are written to the database, in
// one transaction for all that ended since.
const historyFlushEvery = 250 * time.Millisecond

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
		EndReason:   s.EndReason,
	})
	w.mu.Unlock()
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
	for {
		select {
		case <-w.stop:
			w.flush()
			return
		case <-prune.C:
			w.prune()
			continue
		case <-w.wake:
		}
		w.flush()
		// Let a burst of ends gather into one transaction.
		select {
		case <-w.stop:
			w.flush()
			return
		case <-time.After(historyFlushEvery):
		}
	}
}

func (w *historyWriter) flush() {
	w.mu.Lock()
	batch := w.pending
	w.pending = nil
	w.mu.Unlock()
	if err := w.store.RecordHistory(context.Background(), batch); err != nil {
		// The sessions are gone either way; the log keeps what history could not.
		w.log.Error("record session history", slog.Int("sessions", len(batch)), slog.Any("error", err))
	}
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
