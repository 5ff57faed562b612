package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"
)

// flakyStore stands in for a store that is out of reach until told otherwise,
// and keeps what it took, in order.
type flakyStore struct {
	mu      sync.Mutex
	down    bool
	refuse  error // the error while down
	written []int
	tries   int
}

func (f *flakyStore) write(_ context.Context, rows []int) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.tries++
	if f.down {
		return f.refuse
	}
	f.written = append(f.written, rows...)
	return nil
}

func (f *flakyStore) set(down bool) {
	f.mu.Lock()
	f.down = down
	f.mu.Unlock()
}

func (f *flakyStore) rows() []int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.written)
}

func waitUntil(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// errBadConnForTest is what database/sql says of a connection that is gone.
var errBadConnForTest = driver.ErrBadConn

func TestBacklog(t *testing.T) {
	t.Run("rows written while the store is out of reach arrive in order once it answers", func(t *testing.T) {
		f := &flakyStore{refuse: fmt.Errorf("insert: %w", errBadConnForTest)}
		b := &Backlog[int]{What: "rows", Write: f.write, RetryMin: time.Millisecond, RetryMax: 4 * time.Millisecond}
		defer b.Close()
		if err := b.Add(t.Context(), 1); err != nil {
			t.Fatal(err)
		}
		f.set(true)
		for i := 2; i <= 50; i++ {
			if err := b.Add(t.Context(), i); err != nil {
				t.Fatalf("Add(%d) while the store is out of reach: %v, want nil (kept)", i, err)
			}
		}
		if got := f.rows(); !slices.Equal(got, []int{1}) {
			t.Fatalf("written while out of reach: %v", got)
		}
		waitUntil(t, "a few retries", func() bool { f.mu.Lock(); defer f.mu.Unlock(); return f.tries > 5 })
		f.set(false)
		b.Add(t.Context(), 51) // goes after those waiting
		waitUntil(t, "the waiting rows to be written", func() bool { return b.Waiting() == 0 })
		want := make([]int, 51)
		for i := range want {
			want[i] = i + 1
		}
		if got := f.rows(); !slices.Equal(got, want) {
			t.Errorf("written %v, want 1..51 in order", got)
		}
		if b.Lost() != 0 {
			t.Errorf("Lost() = %d, want 0", b.Lost())
		}
	})

	t.Run("past Max the oldest are given up and counted", func(t *testing.T) {
		f := &flakyStore{refuse: errBadConnForTest, down: true}
		b := &Backlog[int]{What: "rows", Write: f.write, Max: 10, RetryMin: time.Hour}
		defer b.Close()
		for i := 1; i <= 25; i++ {
			b.Add(t.Context(), i)
		}
		if b.Lost() != 15 || b.Waiting() != 10 {
			t.Fatalf("Lost() = %d, Waiting() = %d; want 15 and 10", b.Lost(), b.Waiting())
		}
		f.set(false)
		b.Close() // the last attempt writes what is left
		if got := f.rows(); !slices.Equal(got, []int{16, 17, 18, 19, 20, 21, 22, 23, 24, 25}) {
			t.Errorf("written %v, want the newest ten", got)
		}
	})

	t.Run("other errors are returned, not kept", func(t *testing.T) {
		bad := errors.New("UNIQUE constraint failed")
		f := &flakyStore{refuse: bad, down: true}
		b := &Backlog[int]{What: "rows", Write: f.write}
		defer b.Close()
		if err := b.Add(t.Context(), 1); !errors.Is(err, bad) {
			t.Errorf("Add = %v, want the store's error", err)
		}
		if b.Waiting() != 0 {
			t.Errorf("Waiting() = %d, want 0", b.Waiting())
		}
	})

	t.Run("still out of reach at Close: counted as lost", func(t *testing.T) {
		f := &flakyStore{refuse: errBadConnForTest, down: true}
		b := &Backlog[int]{What: "rows", Write: f.write, RetryMin: time.Hour}
		b.Add(t.Context(), 1)
		b.Add(t.Context(), 2)
		b.Close()
		if b.Lost() != 2 {
			t.Errorf("Lost() = %d, want 2", b.Lost())
		}
	})
}

// TestAuditWaitsForAnUnwritableFile: audit entries made while the database
// file cannot be written are written, in order and with their node, once it
// can.
func TestAuditWaitsForAnUnwritableFile(t *testing.T) {
	path := tempDBPath(t)
	db := mustOpenFile(t, path)
	db.Node = "a"
	ctx := context.Background()
	if err := db.RecordAudit(ctx, AuditEntry{Actor: "root", Action: "before"}); err != nil {
		t.Fatal(err)
	}
	files := []string{path, path + "-wal"}
	for i, f := range files {
		if err := setImmutable(f, true); err != nil {
			for _, g := range files[:i] {
				setImmutable(g, false)
			}
			t.Skipf("cannot make the database unwritable here: %v", err)
		}
	}
	thaw := func() {
		for _, f := range files {
			setImmutable(f, false)
		}
	}
	t.Cleanup(thaw)
	if err := db.AddCustomer(ctx, "globex", customerPW); err == nil {
		t.Fatal("a write succeeded on an unwritable file")
	}
	for i := range 3 {
		if err := db.RecordAudit(ctx, AuditEntry{Actor: "root", Action: fmt.Sprintf("during-%d", i)}); err != nil {
			t.Fatalf("RecordAudit during the outage: %v, want nil (kept for later)", err)
		}
	}
	thaw()
	var got []AuditEntry
	waitUntil(t, "the kept entries to be written", func() bool {
		got = mustAuditEntries(t, db, 10)
		return len(got) == 4
	})
	for i, want := range []string{"during-2", "during-1", "during-0", "before"} {
		if got[i].Action != want || got[i].Node != "a" {
			t.Errorf("entry %d (newest first) = %q on node %q, want %q on node a", i, got[i].Action, got[i].Node, want)
		}
	}
	if db.LostAudit() != 0 {
		t.Errorf("LostAudit() = %d", db.LostAudit())
	}
}

func TestUnavailable(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{nil, false},
		{ErrBadCredentials, false},
		{errors.New("UNIQUE constraint failed"), false},
		{fmt.Errorf("x: %w", errBadConnForTest), true},
		{context.DeadlineExceeded, true},
		{sqlState("08006"), true},
		{sqlState("57P01"), true},
		{sqlState("23505"), false},
	} {
		if got := Unavailable(tc.err); got != tc.want {
			t.Errorf("Unavailable(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}

// sqlState is an error with an SQLSTATE, as PostgreSQL drivers return.
type sqlState string

func (s sqlState) Error() string    { return "SQLSTATE " + string(s) }
func (s sqlState) SQLState() string { return string(s) }
