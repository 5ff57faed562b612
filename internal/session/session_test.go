package session

import (
	"strings"
	"sync"
	"testing"
	"time"
)

// t0 is the fixed instant tests measure from.
var t0 = time.Date(2025, 3, 14, 9, 26, 53, 0, time.UTC)

func at(d time.Duration) time.Time { return t0.Add(d) }

func TestNewIDIsValidAndUnique(t *testing.T) {
	seen := make(map[string]bool)
	for i := 0; i < 1000; i++ {
		id := NewID()
		if len(id) != 26 {
			t.Fatalf("NewID() = %q, length %d, want 26", id, len(id))
		}
		if !ValidID(id) {
			t.Fatalf("ValidID(NewID() = %q) = false, want true", id)
		}
		if seen[id] {
			t.Fatalf("NewID() returned %q twice", id)
		}
		seen[id] = true
	}
}

func TestValidID(t *testing.T) {
	good := NewID()
	tests := []struct {
		name string
		id   string
		want bool
	}{
		{"fresh ID", good, true},
		{"all letters", strings.Repeat("A", 26), true},
		{"all digits in alphabet", strings.Repeat("27", 13), true},
		{"upper bound letters", strings.Repeat("Z", 26), true},
		{"empty", "", false},
		{"one short", good[:25], false},
		{"one long", good + "A", false},
		{"double length", good + good, false},
		{"lowercase", strings.ToLower(strings.Repeat("A", 26)), false},
		{"one lowercase char", "a" + strings.Repeat("A", 25), false},
		{"slash", strings.Repeat("A", 25) + "/", false},
		{"dot dot", ".." + strings.Repeat("A", 24), false},
		{"dot dot slash", "../" + strings.Repeat("A", 23), false},
		{"digit 0", strings.Repeat("A", 25) + "0", false},
		{"digit 1", "1" + strings.Repeat("A", 25), false},
		{"digit 8", strings.Repeat("A", 13) + "8" + strings.Repeat("A", 12), false},
		{"digit 9", strings.Repeat("A", 25) + "9", false},
		{"padding", strings.Repeat("A", 25) + "=", false},
		{"space", strings.Repeat("A", 25) + " ", false},
		{"NUL", strings.Repeat("A", 25) + "\x00", false},
		{"non-ASCII", strings.Repeat("A", 24) + "Ä", false}, // 26 bytes
		{"char before A", strings.Repeat("A", 25) + "@", false},
		{"char after Z", strings.Repeat("A", 25) + "[", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ValidID(tt.id); got != tt.want {
				t.Errorf("ValidID(%q) = %v, want %v", tt.id, got, tt.want)
			}
		})
	}
}

func TestNewSessionSnapshot(t *testing.T) {
	s := New("192.0.2.7", 50123, t0, func() {})
	if !ValidID(s.ID()) {
		t.Fatalf("ID() = %q is not a valid ID", s.ID())
	}
	now := at(90 * time.Second)
	snap := s.Snapshot(now)

	if snap.ID != s.ID() {
		t.Errorf("ID = %q, want %q", snap.ID, s.ID())
	}
	if snap.RemoteIP != "192.0.2.7" || snap.RemotePort != 50123 {
		t.Errorf("remote = %s:%d, want 192.0.2.7:50123", snap.RemoteIP, snap.RemotePort)
	}
	if snap.State != StateNotLoggedIn {
		t.Errorf("State = %q, want %q", snap.State, StateNotLoggedIn)
	}
	if snap.Login != "" || snap.Customer != "" || snap.Client != "" || snap.TLS {
		t.Errorf("login fields = %q %q %q %v, want all empty", snap.Login, snap.Customer, snap.Client, snap.TLS)
	}
	if snap.LoggedIn() {
		t.Error("LoggedIn() = true before login")
	}
	if !snap.LoggedInAt.IsZero() {
		t.Errorf("LoggedInAt = %v, want zero", snap.LoggedInAt)
	}
	if !snap.ConnectedAt.Equal(t0) {
		t.Errorf("ConnectedAt = %v, want %v", snap.ConnectedAt, t0)
	}
	if !snap.LastActivity.Equal(t0) {
		t.Errorf("LastActivity = %v, want %v", snap.LastActivity, t0)
	}
	if !snap.Now.Equal(now) {
		t.Errorf("Now = %v, want %v", snap.Now, now)
	}
	if got := snap.ConnectedFor(); got != 90*time.Second {
		t.Errorf("ConnectedFor() = %v, want 90s", got)
	}
	if got := snap.IdleFor(); got != 90*time.Second {
		t.Errorf("IdleFor() = %v, want 90s", got)
	}
	if snap.File != "" || snap.Size != -1 || snap.TransferBytes != 0 || snap.TransferRate != 0 {
		t.Errorf("transfer = %q size %d bytes %d rate %v, want \"\" -1 0 0",
			snap.File, snap.Size, snap.TransferBytes, snap.TransferRate)
	}
	if snap.BytesUp != 0 || snap.BytesDown != 0 {
		t.Errorf("bytes = %d/%d, want 0/0", snap.BytesUp, snap.BytesDown)
	}
	select {
	case <-s.Done():
		t.Error("Done() is closed for a new session")
	default:
	}
}

func TestLoggedIn(t *testing.T) {
	s := New("198.51.100.1", 2121, t0, func() {})
	s.LoggedIn("web1", "acme", "FileZilla 3.66", true, at(3*time.Second))
	snap := s.Snapshot(at(10 * time.Second))

	if snap.Login != "web1" || snap.Customer != "acme" || snap.Client != "FileZilla 3.66" || !snap.TLS {
		t.Errorf("login fields = %q %q %q %v, want web1 acme \"FileZilla 3.66\" true",
			snap.Login, snap.Customer, snap.Client, snap.TLS)
	}
	if !snap.LoggedIn() {
		t.Error("LoggedIn() = false after login")
	}
	if snap.State != StateIdle {
		t.Errorf("State = %q, want %q", snap.State, StateIdle)
	}
	if !snap.LoggedInAt.Equal(at(3 * time.Second)) {
		t.Errorf("LoggedInAt = %v, want %v", snap.LoggedInAt, at(3*time.Second))
	}
	if !snap.LastActivity.Equal(at(3 * time.Second)) {
		t.Errorf("LastActivity = %v, want %v", snap.LastActivity, at(3*time.Second))
	}
	if got := snap.IdleFor(); got != 7*time.Second {
		t.Errorf("IdleFor() = %v, want 7s", got)
	}
	if !snap.ConnectedAt.Equal(t0) {
		t.Errorf("ConnectedAt = %v, want %v (login must not change it)", snap.ConnectedAt, t0)
	}
}

func TestTransferLifecycle(t *testing.T) {
	s := New("203.0.113.9", 40000, t0, func() {})
	s.LoggedIn("web1", "acme", "curl", false, at(1*time.Second))

	// Traffic before the transfer counts in the totals but not in the transfer.
	s.AddUp(300, at(2*time.Second))
	s.AddDown(40, at(2*time.Second))

	s.StartTransfer(StateUploading, "/www/index.html", 4096, at(10*time.Second))
	snap := s.Snapshot(at(10 * time.Second))
	if snap.State != StateUploading || snap.File != "/www/index.html" || snap.Size != 4096 {
		t.Fatalf("after start: state %q file %q size %d, want uploading /www/index.html 4096",
			snap.State, snap.File, snap.Size)
	}
	if snap.TransferBytes != 0 {
		t.Errorf("after start: TransferBytes = %d, want 0", snap.TransferBytes)
	}
	if snap.TransferRate != 0 {
		t.Errorf("after start, no time elapsed: TransferRate = %v, want 0", snap.TransferRate)
	}
	if !snap.LastActivity.Equal(at(10 * time.Second)) {
		t.Errorf("after start: LastActivity = %v, want %v", snap.LastActivity, at(10*time.Second))
	}

	s.AddUp(1000, at(11*time.Second))
	s.AddUp(1000, at(12*time.Second))
	s.AddDown(48, at(12*time.Second))
	snap = s.Snapshot(at(14 * time.Second))
	if snap.BytesUp != 2300 || snap.BytesDown != 88 {
		t.Errorf("BytesUp/Down = %d/%d, want 2300/88", snap.BytesUp, snap.BytesDown)
	}
	if snap.TransferBytes != 2048 {
		t.Errorf("TransferBytes = %d, want 2048", snap.TransferBytes)
	}
	if snap.TransferRate != 512 { // 2048 bytes in 4 seconds
		t.Errorf("TransferRate = %v, want 512", snap.TransferRate)
	}
	if !snap.LastActivity.Equal(at(12 * time.Second)) {
		t.Errorf("LastActivity = %v, want %v", snap.LastActivity, at(12*time.Second))
	}
	if got := snap.IdleFor(); got != 2*time.Second {
		t.Errorf("IdleFor() while uploading, last bytes at 12s = %v, want 2s", got)
	}

	// A clock before the start of the transfer gives no rate rather than a negative one.
	if snap := s.Snapshot(at(9 * time.Second)); snap.TransferRate != 0 || snap.TransferBytes != 2048 {
		t.Errorf("snapshot before start: rate %v bytes %d, want 0 2048", snap.TransferRate, snap.TransferBytes)
	}

	s.EndTransfer(at(15*time.Second), true)
	snap = s.Snapshot(at(20 * time.Second))
	if snap.State != StateIdle {
		t.Errorf("after end: State = %q, want %q", snap.State, StateIdle)
	}
	if snap.File != "" || snap.Size != -1 || snap.TransferBytes != 0 || snap.TransferRate != 0 {
		t.Errorf("after end: file %q size %d bytes %d rate %v, want \"\" -1 0 0",
			snap.File, snap.Size, snap.TransferBytes, snap.TransferRate)
	}
	if snap.BytesUp != 2300 || snap.BytesDown != 88 {
		t.Errorf("after end: BytesUp/Down = %d/%d, want 2300/88", snap.BytesUp, snap.BytesDown)
	}
	if !snap.LastActivity.Equal(at(15 * time.Second)) {
		t.Errorf("after end: LastActivity = %v, want %v", snap.LastActivity, at(15*time.Second))
	}
	if got := snap.IdleFor(); got != 5*time.Second {
		t.Errorf("after end: IdleFor() = %v, want 5s", got)
	}
	if snap.Login != "web1" || snap.Customer != "acme" {
		t.Errorf("after end: login %q customer %q, want web1 acme", snap.Login, snap.Customer)
	}
}

func TestDownloadCountsBothDirectionsAndUnknownSize(t *testing.T) {
	s := New("203.0.113.9", 40000, t0, func() {})
	s.LoggedIn("web1", "acme", "", false, t0)
	s.AddDown(7, at(time.Second))

	s.StartTransfer(StateDownloading, "/big.iso", -1, at(2*time.Second))
	s.AddDown(3000, at(3*time.Second))
	s.AddUp(10, at(3*time.Second))
	snap := s.Snapshot(at(4 * time.Second))
	if snap.State != StateDownloading || snap.File != "/big.iso" {
		t.Errorf("state %q file %q, want downloading /big.iso", snap.State, snap.File)
	}
	if snap.Size != -1 {
		t.Errorf("Size = %d, want -1 for unknown size", snap.Size)
	}
	if snap.TransferBytes != 3010 {
		t.Errorf("TransferBytes = %d, want 3010", snap.TransferBytes)
	}
	if snap.TransferRate != 1505 {
		t.Errorf("TransferRate = %v, want 1505", snap.TransferRate)
	}
	if snap.BytesDown != 3007 || snap.BytesUp != 10 {
		t.Errorf("BytesUp/Down = %d/%d, want 10/3007", snap.BytesUp, snap.BytesDown)
	}

	// A new transfer starts counting from zero again.
	s.EndTransfer(at(5*time.Second), true)
	s.StartTransfer(StateListing, "/", -1, at(6*time.Second))
	s.AddDown(500, at(7*time.Second))
	snap = s.Snapshot(at(8 * time.Second))
	if snap.State != StateListing || snap.File != "/" {
		t.Errorf("state %q file %q, want listing /", snap.State, snap.File)
	}
	if snap.TransferBytes != 500 || snap.TransferRate != 250 {
		t.Errorf("listing: bytes %d rate %v, want 500 250", snap.TransferBytes, snap.TransferRate)
	}
	if got := snap.IdleFor(); got != time.Second {
		t.Errorf("IdleFor() while listing, last bytes at 7s = %v, want 1s", got)
	}
}

func TestZeroSizeTransferReportsZeroSize(t *testing.T) {
	s := New("203.0.113.9", 40000, t0, func() {})
	s.LoggedIn("web1", "acme", "", false, t0)
	s.StartTransfer(StateDownloading, "/empty.txt", 0, at(time.Second))
	if snap := s.Snapshot(at(2 * time.Second)); snap.Size != 0 {
		t.Errorf("Size = %d, want 0", snap.Size)
	}
}

func TestEndTransferBeforeLoginKeepsNotLoggedIn(t *testing.T) {
	s := New("203.0.113.9", 40000, t0, func() {})
	s.EndTransfer(at(time.Second), true)
	snap := s.Snapshot(at(2 * time.Second))
	if snap.State != StateNotLoggedIn {
		t.Errorf("State = %q, want %q", snap.State, StateNotLoggedIn)
	}
	if !snap.LastActivity.Equal(at(time.Second)) {
		t.Errorf("LastActivity = %v, want %v", snap.LastActivity, at(time.Second))
	}
}

func TestTouchNeverMovesBackwards(t *testing.T) {
	s := New("203.0.113.9", 40000, t0, func() {})

	s.Touch(at(5 * time.Second))
	s.Touch(at(2 * time.Second))
	if got := s.Snapshot(at(6 * time.Second)).LastActivity; !got.Equal(at(5 * time.Second)) {
		t.Fatalf("after Touch(5s), Touch(2s): LastActivity = %v, want %v", got, at(5*time.Second))
	}
	s.Touch(at(-time.Hour))
	s.AddUp(1, at(3*time.Second))
	s.AddDown(1, at(4*time.Second))
	s.LoggedIn("u", "c", "", false, at(1*time.Second))
	s.StartTransfer(StateUploading, "/f", 1, at(1*time.Second))
	s.EndTransfer(at(1*time.Second), true)
	if got := s.Snapshot(at(6 * time.Second)).LastActivity; !got.Equal(at(5 * time.Second)) {
		t.Fatalf("after older events: LastActivity = %v, want %v", got, at(5*time.Second))
	}
	// The older events still did their other work.
	snap := s.Snapshot(at(6 * time.Second))
	if snap.BytesUp != 1 || snap.BytesDown != 1 || snap.Login != "u" || !snap.LoggedInAt.Equal(at(time.Second)) {
		t.Errorf("older events lost: up %d down %d login %q loggedInAt %v",
			snap.BytesUp, snap.BytesDown, snap.Login, snap.LoggedInAt)
	}

	s.Touch(at(7 * time.Second))
	if got := s.Snapshot(at(8 * time.Second)).LastActivity; !got.Equal(at(7 * time.Second)) {
		t.Fatalf("after Touch(7s): LastActivity = %v, want %v", got, at(7*time.Second))
	}
	// Nanosecond resolution is kept.
	s.Touch(at(7*time.Second + 1))
	if got := s.Snapshot(at(8 * time.Second)).LastActivity; !got.Equal(at(7*time.Second + 1)) {
		t.Fatalf("after Touch(7s+1ns): LastActivity = %v, want %v", got, at(7*time.Second+1))
	}
}

func TestTouchConcurrentKeepsMaximum(t *testing.T) {
	s := New("203.0.113.9", 40000, t0, func() {})
	const goroutines, perG = 16, 500
	var wg sync.WaitGroup
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < perG; i++ {
				// Interleaved, out of order across goroutines.
				s.Touch(at(time.Duration(i*goroutines+g) * time.Millisecond))
			}
		}(g)
	}
	wg.Wait()
	want := at(time.Duration((perG-1)*goroutines+goroutines-1) * time.Millisecond)
	if got := s.Snapshot(want).LastActivity; !got.Equal(want) {
		t.Errorf("LastActivity = %v, want %v", got, want)
	}
}

func TestIdleFor(t *testing.T) {
	tests := []struct {
		name string
		snap Snapshot
		want time.Duration
	}{
		{"idle", Snapshot{State: StateIdle, LastActivity: t0, Now: at(42 * time.Second)}, 42 * time.Second},
		{"not logged in", Snapshot{State: StateNotLoggedIn, LastActivity: t0, Now: at(time.Minute)}, time.Minute},
		{"stalled upload", Snapshot{State: StateUploading, LastActivity: t0, Now: at(time.Hour)}, time.Hour},
		{"stalled download", Snapshot{State: StateDownloading, LastActivity: t0, Now: at(time.Hour)}, time.Hour},
		{"stalled listing", Snapshot{State: StateListing, LastActivity: t0, Now: at(time.Hour)}, time.Hour},
		{"clock behind activity", Snapshot{State: StateIdle, LastActivity: at(time.Second), Now: t0}, 0},
		{"same instant", Snapshot{State: StateIdle, LastActivity: t0, Now: t0}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.snap.IdleFor(); got != tt.want {
				t.Errorf("IdleFor() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestStalledTransferIsIdle(t *testing.T) {
	s := New("203.0.113.9", 40000, t0, func() {})
	s.LoggedIn("u", "c", "", false, t0)
	s.StartTransfer(StateDownloading, "/f", 10, at(time.Second))
	s.AddDown(5, at(2*time.Second))
	// No bytes for the rest of the hour: the admin must see that it has stalled.
	snap := s.Snapshot(at(time.Hour))
	if got := snap.IdleFor(); got != time.Hour-2*time.Second {
		t.Errorf("IdleFor() = %v, want 59m58s for a download stalled since 2s", got)
	}
	s.EndTransfer(at(time.Hour), true)
	snap = s.Snapshot(at(time.Hour + 3*time.Second))
	if got := snap.IdleFor(); got != 3*time.Second {
		t.Errorf("IdleFor() after transfer = %v, want 3s", got)
	}
}

func TestConnectedFor(t *testing.T) {
	snap := Snapshot{ConnectedAt: t0, Now: at(5 * time.Minute)}
	if got := snap.ConnectedFor(); got != 5*time.Minute {
		t.Errorf("ConnectedFor() = %v, want 5m", got)
	}
}

func TestSnapshotIsACopy(t *testing.T) {
	s := New("203.0.113.9", 40000, t0, func() {})
	s.LoggedIn("u", "c", "", false, t0)
	s.StartTransfer(StateUploading, "/a", 100, at(time.Second))
	s.AddUp(50, at(2*time.Second))
	before := s.Snapshot(at(3 * time.Second))

	s.AddUp(25, at(4*time.Second))
	s.EndTransfer(at(5*time.Second), true)
	s.LoggedIn("v", "d", "x", true, at(6*time.Second))

	if before.State != StateUploading || before.File != "/a" || before.BytesUp != 50 ||
		before.TransferBytes != 50 || before.Login != "u" || before.Customer != "c" ||
		!before.LastActivity.Equal(at(2*time.Second)) {
		t.Errorf("earlier snapshot changed: %+v", before)
	}
}

func TestEndIsIdempotent(t *testing.T) {
	s := New("203.0.113.9", 40000, t0, func() {})
	s.End()
	s.End()
	select {
	case <-s.Done():
	default:
		t.Fatal("Done() not closed after End")
	}
}

func TestEndConcurrent(t *testing.T) {
	s := New("203.0.113.9", 40000, t0, func() {})
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.End()
		}()
	}
	wg.Wait()
	select {
	case <-s.Done():
	default:
		t.Fatal("Done() not closed after concurrent End")
	}
}

func TestCountersConcurrent(t *testing.T) {
	s := New("203.0.113.9", 40000, t0, func() {})
	s.LoggedIn("u", "c", "", false, t0)
	s.StartTransfer(StateUploading, "/f", -1, t0)
	const goroutines, perG = 8, 1000
	var wg sync.WaitGroup
	for g := 0; g < goroutines; g++ {
		wg.Add(3)
		go func() {
			defer wg.Done()
			for i := 0; i < perG; i++ {
				s.AddUp(3, at(time.Duration(i)*time.Millisecond))
			}
		}()
		go func() {
			defer wg.Done()
			for i := 0; i < perG; i++ {
				s.AddDown(2, at(time.Duration(i)*time.Millisecond))
			}
		}()
		go func() {
			defer wg.Done()
			for i := 0; i < perG/10; i++ {
				snap := s.Snapshot(at(time.Hour))
				if snap.TransferBytes < 0 || snap.BytesUp < 0 || snap.BytesDown < 0 {
					t.Errorf("negative counters in %+v", snap)
					return
				}
			}
		}()
	}
	wg.Wait()
	snap := s.Snapshot(at(10 * time.Second))
	if snap.BytesUp != 3*goroutines*perG || snap.BytesDown != 2*goroutines*perG {
		t.Errorf("BytesUp/Down = %d/%d, want %d/%d", snap.BytesUp, snap.BytesDown, 3*goroutines*perG, 2*goroutines*perG)
	}
	if snap.TransferBytes != 5*goroutines*perG {
		t.Errorf("TransferBytes = %d, want %d", snap.TransferBytes, 5*goroutines*perG)
	}
	if snap.TransferRate != 5*goroutines*perG/10 {
		t.Errorf("TransferRate = %v, want %v", snap.TransferRate, 5*goroutines*perG/10)
	}
	if want := at((perG - 1) * time.Millisecond); !snap.LastActivity.Equal(want) {
		t.Errorf("LastActivity = %v, want %v", snap.LastActivity, want)
	}
}

func TestScopeAllows(t *testing.T) {
	notLoggedIn := Snapshot{}
	acme := Snapshot{Login: "web1", Customer: "acme"}
	other := Snapshot{Login: "x", Customer: "other"}
	tests := []struct {
		name  string
		scope Scope
		snap  Snapshot
		want  bool
	}{
		{"admin sees not logged in", AllSessions(), notLoggedIn, true},
		{"admin sees acme", AllSessions(), acme, true},
		{"admin sees other", AllSessions(), other, true},
		{"acme sees acme", CustomerSessions("acme"), acme, true},
		{"acme does not see other", CustomerSessions("acme"), other, false},
		{"acme does not see not logged in", CustomerSessions("acme"), notLoggedIn, false},
		{"empty customer sees nothing logged in", CustomerSessions(""), acme, false},
		{"empty customer does not see not logged in", CustomerSessions(""), notLoggedIn, false},
		{"zero scope sees nothing", Scope{}, notLoggedIn, false},
		{"customer match is exact", CustomerSessions("Acme"), acme, false},
		{"customer prefix does not match", CustomerSessions("acm"), acme, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.scope.Allows(tt.snap); got != tt.want {
				t.Errorf("Allows = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestEndListing(t *testing.T) {
	s := New("203.0.113.9", 40000, t0, func() {})
	s.LoggedIn("web1", "acme", "", false, t0)
	s.StartTransfer(StateListing, "/www", -1, at(time.Second))
	s.AddDown(700, at(2*time.Second))

	s.EndListing(at(3 * time.Second))
	snap := s.Snapshot(at(4 * time.Second))
	if snap.State != StateIdle {
		t.Errorf("State = %q, want %q", snap.State, StateIdle)
	}
	if snap.File != "" || snap.Size != -1 || snap.TransferBytes != 0 || snap.TransferRate != 0 {
		t.Errorf("after EndListing: file %q size %d bytes %d rate %v, want \"\" -1 0 0",
			snap.File, snap.Size, snap.TransferBytes, snap.TransferRate)
	}
	if snap.BytesDown != 700 {
		t.Errorf("BytesDown = %d, want 700", snap.BytesDown)
	}
}

func TestEndListingLeavesFileTransfers(t *testing.T) {
	for _, state := range []State{StateUploading, StateDownloading} {
		t.Run(string(state), func(t *testing.T) {
			s := New("203.0.113.9", 40000, t0, func() {})
			s.LoggedIn("web1", "acme", "", false, t0)
			s.StartTransfer(state, "/data.bin", 2048, at(time.Second))
			s.AddUp(100, at(2*time.Second))
			s.AddDown(100, at(2*time.Second))

			s.EndListing(at(3 * time.Second))
			snap := s.Snapshot(at(5 * time.Second))
			if snap.State != state || snap.File != "/data.bin" || snap.Size != 2048 {
				t.Errorf("after EndListing: state %q file %q size %d, want %q /data.bin 2048",
					snap.State, snap.File, snap.Size, state)
			}
			if snap.TransferBytes != 200 || snap.TransferRate != 50 {
				t.Errorf("after EndListing: bytes %d rate %v, want 200 50", snap.TransferBytes, snap.TransferRate)
			}
		})
	}
}

func TestEndListingWhenIdleOrNotLoggedIn(t *testing.T) {
	s := New("203.0.113.9", 40000, t0, func() {})
	s.EndListing(at(time.Second))
	if got := s.Snapshot(at(time.Second)).State; got != StateNotLoggedIn {
		t.Errorf("not logged in: State = %q, want %q", got, StateNotLoggedIn)
	}
	s.LoggedIn("web1", "acme", "", false, at(2*time.Second))
	s.EndListing(at(3 * time.Second))
	if got := s.Snapshot(at(3 * time.Second)).State; got != StateIdle {
		t.Errorf("idle: State = %q, want %q", got, StateIdle)
	}
}
