package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"log/slog"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Unavailable reports whether err says that the store is out of reach or cannot
// take writes for now, rather than that the request itself was wrong: a lost or
// refused connection, a server shutting down or out of connections, a full or
// read-only disk, a locked file. What it refused may succeed later.
func Unavailable(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone) || errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	if ne := net.Error(nil); errors.As(err, &ne) {
		return true
	}
	if se := (*sqlite.Error)(nil); errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_FULL,
			sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PROTOCOL:
			return true
		}
		return false
	}
	// PostgreSQL's errors carry an SQLSTATE: class 08 is the connection, 53
	// the server's resources, 57P01-57P05 a server shutting down or starting.
	if st := (interface{ SQLState() string })(nil); errors.As(err, &st) {
		code := st.SQLState()
		return strings.HasPrefix(code, "08") || strings.HasPrefix(code, "53") || strings.HasPrefix(code, "57P")
	}
	return false
}

// How a backlog keeps and retries rows.
const (
	maxBacklog      = 100_000
	maxBacklogBatch = 500
	backlogRetryMin = 250 * time.Millisecond
	backlogRetryMax = 5 * time.Second
	// backlogWriteTimeout bounds one attempt, so that Close is not held up long
	// by a store that hangs rather than refuses.
	backlogWriteTimeout = 10 * time.Second
)

// Backlog keeps rows that the store refused because it was out of reach
// (Unavailable), oldest first, and writes them in that order once it answers
// again, trying with a pause that doubles up to RetryMax. A row added while
// others wait goes after them, so the order is kept. It holds at most Max rows;
// past that the oldest are given up, logged and counted in Lost.
type Backlog[T any] struct {
	What     string                           // what the rows are, for the log: "audit entries"
	Write    func(context.Context, []T) error // writes rows in order, all or none
	Max      int                              // 0 means 100,000
	Log      *slog.Logger                     // nil is slog's default
	RetryMin time.Duration                    // 0 means 250 ms
	RetryMax time.Duration                    // 0 means 5 s

	mu       sync.Mutex
	pending  []T
	inflight int // rows taken from pending's front by the retrying goroutine
	running  bool
	closed   bool
	givenUp  int // rows given up since the store was last reached
	stop     chan struct{}
	wg       sync.WaitGroup
	lost     atomic.Int64
}

// Add writes a row, or keeps it for later when the store is out of reach or
// other rows are waiting; then it returns nil. Any other error is returned.
func (b *Backlog[T]) Add(ctx context.Context, row T) error {
	b.mu.Lock()
	if b.closed || len(b.pending)+b.inflight == 0 {
		closed := b.closed
		b.mu.Unlock()
		// A store that hangs is out of reach too: the row is kept after a while.
		wctx, cancel := context.WithTimeout(ctx, backlogWriteTimeout)
		err := b.Write(wctx, []T{row})
		cancel()
		if err == nil || closed || !Unavailable(err) {
			return err
		}
		b.mu.Lock()
		if b.closed {
			b.mu.Unlock()
			return err
		}
		if len(b.pending)+b.inflight == 0 {
			b.logger().Warn("the store is out of reach: "+b.What+" wait in memory", slog.Any("error", err))
		}
	}
	b.pending = append(b.pending, row)
	b.trim()
	if !b.running {
		b.running = true
		if b.stop == nil {
			b.stop = make(chan struct{})
		}
		b.wg.Add(1)
		go b.retry()
	}
	b.mu.Unlock()
	return nil
}

// Waiting is how many rows wait for the store.
func (b *Backlog[T]) Waiting() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.pending) + b.inflight
}

// Lost is how many rows were given up: too many waited, or the store was still
// out of reach at Close.
func (b *Backlog[T]) Lost() int64 { return b.lost.Load() }

// trim gives up the oldest waiting rows beyond Max; b.mu is held.
func (b *Backlog[T]) trim() {
	limit := b.Max
	if limit <= 0 {
		limit = maxBacklog
	}
	over := len(b.pending) + b.inflight - limit
	if over <= 0 {
		return
	}
	over = min(over, len(b.pending))
	b.pending = b.pending[over:]
	b.lost.Add(int64(over))
	if b.givenUp == 0 { // once per outage; retry says how many in all
		b.logger().Error(b.What+" given up: too many waiting for the store; the oldest go first", slog.Int("max", limit))
	}
	b.givenUp += over
}

// retry writes the waiting rows, oldest first, until none is left or Close.
func (b *Backlog[T]) retry() {
	defer b.wg.Done()
	pause := cmpOr(b.RetryMin, backlogRetryMin)
	written := 0
	timer := time.NewTimer(pause)
	defer timer.Stop()
	for {
		select {
		case <-b.stop:
			return
		case <-timer.C:
		}
		b.mu.Lock()
		n := min(len(b.pending), maxBacklogBatch)
		batch := b.pending[:n:n]
		b.pending, b.inflight = b.pending[n:], n
		b.mu.Unlock()

		ctx, cancel := context.WithTimeout(context.Background(), backlogWriteTimeout)
		err := b.Write(ctx, batch)
		cancel()

		b.mu.Lock()
		b.inflight = 0
		if err != nil {
			if Unavailable(err) {
				b.pending = append(batch, b.pending...)
				b.trim()
			} else {
				// Not the store's absence: these rows would be refused forever.
				b.lost.Add(int64(len(batch)))
				b.logger().Error(b.What+" refused by the store", slog.Int("rows", len(batch)), slog.Any("error", err))
			}
			if len(b.pending) == 0 {
				b.running = false
				b.mu.Unlock()
				return
			}
			b.mu.Unlock()
			pause = min(pause*2, cmpOr(b.RetryMax, backlogRetryMax))
			timer.Reset(pause)
			continue
		}
		written += n
		if len(b.pending) == 0 {
			b.running = false
			givenUp := b.givenUp
			b.givenUp = 0
			b.mu.Unlock()
			b.logger().Info("the store answers again: "+b.What+" written", slog.Int("rows", written), slog.Int("given up", givenUp))
			return
		}
		b.mu.Unlock()
		pause = cmpOr(b.RetryMin, backlogRetryMin)
		timer.Reset(0)
	}
}

// Close stops retrying and makes one last attempt; the log says what could not
// be written. Rows added afterwards are written at once or refused.
func (b *Backlog[T]) Close() {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return
	}
	b.closed = true
	if b.stop != nil {
		close(b.stop)
	}
	b.mu.Unlock()
	b.wg.Wait()
	b.mu.Lock()
	rest := b.pending
	b.pending = nil
	b.mu.Unlock()
	if len(rest) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := b.Write(ctx, rest); err != nil {
		b.lost.Add(int64(len(rest)))
		b.logger().Error(b.What+" lost at shutdown: the store is out of reach", slog.Int("rows", len(rest)), slog.Any("error", err))
	}
}

func (b *Backlog[T]) logger() *slog.Logger {
	if b.Log != nil {
		return b.Log
	}
	return slog.Default()
}

func cmpOr(d, fallback time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return fallback
}

// backlogOnce is a DB's backlog of one kind of row, made on first use.
type backlogOnce[T any] struct {
	mu     sync.Mutex
	b      *Backlog[T]
	closed bool
}

// get returns the backlog, made by mk if there is none yet; nil once closed
// before any was made.
func (o *backlogOnce[T]) get(mk func() *Backlog[T]) *Backlog[T] {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.b == nil && !o.closed {
		o.b = mk()
	}
	return o.b
}

// peek returns the backlog if one was made.
func (o *backlogOnce[T]) peek() *Backlog[T] {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.b
}

// close closes the backlog if one was made; none is made afterwards.
func (o *backlogOnce[T]) close() {
	o.mu.Lock()
	o.closed = true
	b := o.b
	o.mu.Unlock()
	if b != nil {
		b.Close()
	}
}
