package hooks

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ftppanel/ftppanel/internal/session"
	"github.com/ftppanel/ftppanel/internal/store"
)

const testSecret = "s3cret"

// received is one request the test hook took.
type received struct {
	Type, Delivery string
	Body           map[string]any
}

// hook is a test web hook: answer decides each request's status (200 when
// nil); every request is checked for its signature and kept.
type hook struct {
	t      *testing.T
	srv    *httptest.Server
	answer func(n int) int // n counts requests from 1
	mu     sync.Mutex
	got    []received // those answered 2xx
	tries  atomic.Int64
	seen   chan struct{} // a token for each request
}

func newHook(t *testing.T, answer func(n int) int) *hook {
	h := &hook{t: t, answer: answer, seen: make(chan struct{}, 1000)}
	h.srv = httptest.NewServer(http.HandlerFunc(h.serve))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *hook) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/hook" {
		h.t.Errorf("%s %s, want POST /hook", r.Method, r.URL.Path)
	}
	body, _ := io.ReadAll(r.Body)
	if got, want := r.Header.Get(SignatureHeader), Sign(testSecret, body); got != want {
		h.t.Errorf("signature %q, want %q", got, want)
	}
	n := int(h.tries.Add(1))
	h.seen <- struct{}{}
	status := http.StatusOK
	if h.answer != nil {
		status = h.answer(n)
	}
	if status/100 == 2 {
		var m map[string]any
		if err := json.Unmarshal(body, &m); err != nil {
			h.t.Errorf("body %q: %v", body, err)
		}
		h.mu.Lock()
		h.got = append(h.got, received{r.Header.Get(EventHeader), r.Header.Get(DeliveryHeader), m})
		h.mu.Unlock()
	}
	if status/100 == 3 {
		w.Header().Set("Location", "/elsewhere")
	}
	w.WriteHeader(status)
}

func (h *hook) received() []received {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]received(nil), h.got...)
}

// waitFor polls until cond holds, or fails the test after a generous deadline.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func start(t *testing.T, h *hook, cfg Config) *Hooks {
	cfg.URL, cfg.Secret, cfg.Logger = h.srv.URL+"/hook", testSecret, quiet()
	if cfg.Backoff == nil {
		cfg.Backoff = func(int) time.Duration { return 0 }
	}
	hk := Start(cfg)
	t.Cleanup(func() { hk.Close(context.Background()) })
	return hk
}

func TestQueueDropsTheOldest(t *testing.T) {
	q := newQueue(3)
	for i := range 5 {
		dropped := q.push(&event{id: string(rune('a' + i))})
		if want := i >= 3; dropped != want {
			t.Errorf("push %d: dropped %v, want %v", i, dropped, want)
		}
	}
	if q.len() != 3 {
		t.Fatalf("len %d, want 3", q.len())
	}
	var ids string
	for e := q.pop(); e != nil; e = q.pop() {
		ids += e.id
	}
	if ids != "cde" {
		t.Errorf("left %q, want the newest three, cde", ids)
	}
}

// Each event is delivered once, in order, signed, with its type, id and time.
func TestDeliversSignedEventsInOrder(t *testing.T) {
	h := newHook(t, nil)
	hk := start(t, h, Config{Node: "n1"})
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for i := range 3 {
		hk.Send("test.event", at, map[string]int{"n": i})
	}
	waitFor(t, "3 deliveries", func() bool { return hk.Stats().Delivered == 3 })
	ids := map[string]bool{}
	for i, r := range h.received() {
		if r.Type != "test.event" || r.Body["type"] != "test.event" || r.Body["node"] != "n1" ||
			r.Body["time"] != "2026-01-02T03:04:05Z" || r.Body["data"].(map[string]any)["n"] != float64(i) {
			t.Errorf("delivery %d: %+v", i, r)
		}
		if r.Delivery == "" || r.Body["id"] != r.Delivery || ids[r.Delivery] {
			t.Errorf("delivery %d: id %q (body %v) is not unique", i, r.Delivery, r.Body["id"])
		}
		ids[r.Delivery] = true
	}
	if st := hk.Stats(); st.Delivered != 3 || st.Failed != 0 || st.Dropped != 0 {
		t.Errorf("stats %+v", st)
	}
}

// A hook that fails gets the same event again, after the backoff asked for
// each attempt, until it takes it.
func TestRetriesWithBackoffUntilTaken(t *testing.T) {
	h := newHook(t, func(n int) int {
		if n <= 3 {
			return http.StatusServiceUnavailable
		}
		return http.StatusNoContent
	})
	var mu sync.Mutex
	var attempts []int
	hk := start(t, h, Config{Backoff: func(a int) time.Duration {
		mu.Lock()
		attempts = append(attempts, a)
		mu.Unlock()
		return time.Millisecond
	}})
	hk.Send("test.event", time.Now(), nil)
	hk.Send("test.second", time.Now(), nil)
	waitFor(t, "2 deliveries", func() bool { return hk.Stats().Delivered == 2 })
	got := h.received()
	if got[0].Type != "test.event" || got[1].Type != "test.second" {
		t.Errorf("delivered %+v, want the retried event first", got)
	}
	if h.tries.Load() != 5 {
		t.Errorf("%d requests, want 3 refused and 2 taken", h.tries.Load())
	}
	mu.Lock()
	if len(attempts) != 3 || attempts[0] != 1 || attempts[2] != 3 {
		t.Errorf("backoff asked for attempts %v, want [1 2 3]", attempts)
	}
	mu.Unlock()
	if st := hk.Stats(); st.Delivered != 2 || st.Failed != 0 {
		t.Errorf("stats %+v", st)
	}
}

// An event still refused MaxAge after it happened is given up and counted;
// the next one is sent.
func TestGivesUpAfterMaxAge(t *testing.T) {
	h := newHook(t, func(n int) int {
		if n <= 3 {
			return http.StatusInternalServerError
		}
		return http.StatusOK
	})
	var now atomic.Pointer[time.Time]
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	now.Store(&t0)
	hk := start(t, h, Config{MaxAge: time.Hour, Now: func() time.Time { return *now.Load() },
		Backoff: func(int) time.Duration {
			later := now.Load().Add(40 * time.Minute) // each wait takes 40 minutes of the clock
			now.Store(&later)
			return 0
		}})
	hk.Send("test.old", t0, nil)
	waitFor(t, "the old event given up", func() bool { return hk.Stats().Failed == 1 })
	hk.Send("test.new", *now.Load(), nil)
	waitFor(t, "the new event", func() bool { return hk.Stats().Delivered == 1 })
	if got := h.received(); len(got) != 1 || got[0].Type != "test.new" {
		t.Errorf("delivered %+v, want test.new alone", got)
	}
	if h.tries.Load() != 4 {
		t.Errorf("%d requests, want 3 for the old event (at 0, 40 and 80 minutes) and 1 for the new", h.tries.Load())
	}
}

// An event the hook refuses as such (400, 413, 415, 422) is not sent again:
// it would hold every later event up for an hour. A hook that cannot take
// events now (401, 404, 429, 5xx) has them retried.
func TestRefusedEventIsNotRetried(t *testing.T) {
	for _, tc := range []struct {
		status  int
		retried bool
	}{
		{http.StatusBadRequest, false},
		{http.StatusRequestEntityTooLarge, false},
		{http.StatusUnprocessableEntity, false},
		{http.StatusUnauthorized, true},
		{http.StatusNotFound, true},
		{http.StatusTooManyRequests, true},
		{http.StatusBadGateway, true},
	} {
		t.Run(fmt.Sprint(tc.status), func(t *testing.T) {
			h := newHook(t, func(n int) int {
				if n == 1 {
					return tc.status
				}
				return http.StatusOK
			})
			hk := start(t, h, Config{})
			hk.Send("test.first", time.Now(), nil)
			hk.Send("test.second", time.Now(), nil)
			if tc.retried {
				waitFor(t, "both delivered", func() bool { return hk.Stats().Delivered == 2 })
				if got := h.received(); got[0].Type != "test.first" {
					t.Errorf("delivered %+v, want the first one, retried, first", got)
				}
				return
			}
			waitFor(t, "the second delivered", func() bool { return hk.Stats().Delivered == 1 })
			if got := h.received(); len(got) != 1 || got[0].Type != "test.second" {
				t.Errorf("delivered %+v, want test.second alone", got)
			}
			if st := hk.Stats(); st.Failed != 1 || h.tries.Load() != 2 {
				t.Errorf("stats %+v after %d requests, want the first failed after one request", st, h.tries.Load())
			}
		})
	}
}

// A full queue drops its oldest events, counts them, and sends the rest.
func TestFullQueueDropsTheOldest(t *testing.T) {
	release := make(chan struct{})
	h := newHook(t, func(n int) int {
		if n == 1 {
			<-release // the sender is busy with the first event
		}
		return http.StatusOK
	})
	hk := start(t, h, Config{QueueSize: 3})
	hk.Send("e0", time.Now(), nil)
	<-h.seen // e0 is out of the queue, being sent
	for _, typ := range []string{"e1", "e2", "e3", "e4", "e5"} {
		hk.Send(typ, time.Now(), nil)
	}
	if st := hk.Stats(); st.Dropped != 2 || st.Queued != 3 {
		t.Errorf("stats %+v, want 2 dropped and 3 queued", st)
	}
	close(release)
	waitFor(t, "4 deliveries", func() bool { return len(h.received()) == 4 })
	var types []string
	for _, r := range h.received() {
		types = append(types, r.Type)
	}
	if want := []string{"e0", "e3", "e4", "e5"}; !equal(types, want) {
		t.Errorf("delivered %v, want %v", types, want)
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Close, while an event waits to be retried, tries it and the queue once
// more and returns; what still fails is counted.
func TestCloseFlushesOnceAndReturns(t *testing.T) {
	var up atomic.Bool
	h := newHook(t, func(int) int {
		if up.Load() {
			return http.StatusOK
		}
		return http.StatusBadGateway
	})
	hk := start(t, h, Config{Backoff: func(int) time.Duration { return time.Hour }})
	hk.Send("first", time.Now(), nil)
	<-h.seen // refused: it now waits an hour to be retried
	hk.Send("second", time.Now(), nil)
	up.Store(true)
	hk.Close(context.Background())
	if got := h.received(); len(got) != 2 || got[0].Type != "first" || got[1].Type != "second" {
		t.Errorf("delivered %+v, want first and second at Close", got)
	}

	h2 := newHook(t, func(int) int { return http.StatusBadGateway })
	hk2 := start(t, h2, Config{Backoff: func(int) time.Duration { return time.Hour }})
	hk2.Send("never", time.Now(), nil)
	<-h2.seen
	hk2.Close(context.Background())
	if st := hk2.Stats(); st.Failed != 1 || st.Delivered != 0 {
		t.Errorf("stats %+v, want the event counted as failed", st)
	}
}

// A hook that does not answer does not hold up Close past its context.
func TestCloseIsBounded(t *testing.T) {
	stuck := make(chan struct{})
	h := newHook(t, func(int) int { <-stuck; return http.StatusOK })
	defer close(stuck)
	hk := start(t, h, Config{})
	hk.Send("hangs", time.Now(), nil)
	<-h.seen
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	hk.Close(ctx) // returns: the request is cancelled with the context
	if st := hk.Stats(); st.Delivered != 0 {
		t.Errorf("stats %+v", st)
	}
}

func TestBackoffGrowsAndIsCapped(t *testing.T) {
	for attempt, want := range map[int]time.Duration{1: FirstRetry, 2: 2 * FirstRetry, 5: 16 * FirstRetry, 30: MaxRetryWait, 1000: MaxRetryWait} {
		for range 20 {
			if d := Backoff(attempt); d > want || d < want/2 {
				t.Errorf("Backoff(%d) = %s, want between %s and %s", attempt, d, want/2, want)
			}
		}
	}
}

// The events carry what their README schema says.
func TestEventData(t *testing.T) {
	h := newHook(t, nil)
	hk := start(t, h, Config{})
	t0 := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	snap := session.Snapshot{ID: "abc", Login: "bob", Customer: "acme", RemoteIP: "192.0.2.7", RemotePort: 40000,
		ConnectedAt: t0, LoggedInAt: t0.Add(time.Second), Now: t0.Add(61 * time.Second), BytesUp: 1234, BytesDown: 5,
		EndReason: session.EndReason{Kind: session.EndDisconnected, By: "admin", Message: "bye"}}
	hk.SessionStarted(snap)
	hk.SessionEnded(snap)
	hk.SessionEnded(session.Snapshot{ID: "never logged in", Now: t0})
	hk.Audited(store.AuditEntry{At: t0, Actor: "admin", Action: "disconnect", SessionID: "abc", FTPLogin: "bob", Detail: "idle; reason: bye"})
	hk.Audited(store.AuditEntry{At: t0, Actor: "admin", Action: "change password", FTPLogin: "bob", Customer: "acme"})
	hk.Audited(store.AuditEntry{At: t0, Actor: "admin", Action: "set idle timeout", FTPLogin: "bob", Customer: "acme"})
	hk.Audited(store.AuditEntry{At: t0, Actor: "defender", Action: "ban", RemoteIP: "192.0.2.7"})
	hk.Audited(store.AuditEntry{At: t0, Actor: "admin", Action: "maintenance on"})
	hk.Ban(store.BanChange{Ban: store.Ban{ID: 4, IP: "192.0.2.7", CreatedBy: "admin", CreatedAt: t0, Until: store.Forever}}, t0)
	hk.Ban(store.BanChange{Ban: store.Ban{ID: 4, IP: "192.0.2.7", CreatedBy: "admin", CreatedAt: t0, Until: t0.Add(time.Hour)}, Lifted: true, LiftedBy: "carol"}, t0)
	want := []string{SessionStarted, SessionEnded, SessionDisconnected, AccountPassword, AccountChanged, Audit, BanAdded, BanLifted}
	waitFor(t, "every event", func() bool { return len(h.received()) == len(want) })
	got := h.received()
	for i, typ := range want {
		if got[i].Type != typ {
			t.Fatalf("event %d is %s, want %s", i, got[i].Type, typ)
		}
	}
	data := func(i int) map[string]any { return got[i].Body["data"].(map[string]any) }
	if d := data(1); d["bytes_up"] != 1234.0 || d["bytes_down"] != 5.0 || d["duration_seconds"] != 60.0 ||
		d["end_kind"] != "disconnected" || d["ended_by"] != "admin" || d["message"] != "bye" || d["login"] != "bob" {
		t.Errorf("session.ended data %v", d)
	}
	if d := data(0); d["session_id"] != "abc" || d["bytes_up"] != nil || d["logged_in_at"] != "2026-05-01T10:00:01Z" {
		t.Errorf("session.started data %v", d)
	}
	if d := data(6); d["until"] != nil || d["address"] != "192.0.2.7" || d["by"] != "admin" {
		t.Errorf("ban.added data %v", d)
	}
	if d := data(7); d["until"] != "2026-05-01T11:00:00Z" || d["by"] != "carol" || d["banned_by"] != "admin" {
		t.Errorf("ban.lifted data %v", d)
	}
}

// A redirect is not a delivery: the event is sent again to the same URL.
func TestRedirectIsNotDelivery(t *testing.T) {
	h := newHook(t, func(n int) int {
		if n == 1 {
			return http.StatusFound
		}
		return http.StatusOK
	})
	hk := start(t, h, Config{})
	hk.Send("moved", time.Now(), nil)
	waitFor(t, "the delivery", func() bool { return hk.Stats().Delivered == 1 })
	if h.tries.Load() != 2 {
		t.Errorf("%d requests, want the refused one and its retry", h.tries.Load())
	}
}

// A full queue and events given up are logged at most once a minute, with
// how many since the last line.
func TestDropsAreLoggedOnceAMinute(t *testing.T) {
	var m everyMinute
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	got := []int64{m.add(t0), m.add(t0.Add(time.Second)), m.add(t0.Add(30 * time.Second)), m.add(t0.Add(61 * time.Second)), m.add(t0.Add(62 * time.Second))}
	if want := []int64{1, 0, 0, 3, 0}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("lines name %v, want %v", got, want)
	}
}
