package panel

import (
	"github.com/ftppanel/ftppanel/internal/i18n"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/ftppanel/ftppanel/internal/session"
	"github.com/ftppanel/ftppanel/internal/store"
)

// throttleFixture is the panel with users root and acme, a clock the test moves,
// and no delay on failures.
type throttleFixture struct {
	handler http.Handler
	mu      sync.Mutex
	now     time.Time
}

func newThrottleFixture(t *testing.T) *throttleFixture {
	t.Helper()
	db, err := store.Open(t.Context(), filepath.Join(t.TempDir(), "ftppanel.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.PasswordCost = bcrypt.MinCost
	if err := db.AddAdmin(t.Context(), "root", "root-password"); err != nil {
		t.Fatal(err)
	}
	if err := db.AddCustomer(t.Context(), "acme", "acme-password"); err != nil {
		t.Fatal(err)
	}
	f := &throttleFixture{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	f.handler = New(Config{Store: db, Registry: session.NewRegistry(), Logger: slog.New(slog.DiscardHandler),
		Now: f.clock, LoginLimits: LoginLimits{FailureDelay: -1}})
	return f
}

func (f *throttleFixture) clock() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *throttleFixture) advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(d)
}

var loginErrorPattern = regexp.MustCompile(`data-testid="login-error">([^<]*)<`)

type signInAnswer struct {
	status     int
	retryAfter string
	message    string
	cookie     string
}

// signIn posts the sign-in form from address as a browser would.
func (f *throttleFixture) signIn(address, username, password string) signInAnswer {
	form := url.Values{"username": {username}, "password": {password}}
	req := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.RemoteAddr = address
	rec := httptest.NewRecorder()
	f.handler.ServeHTTP(rec, req)
	a := signInAnswer{status: rec.Code, retryAfter: rec.Header().Get("Retry-After")}
	if m := loginErrorPattern.FindStringSubmatch(rec.Body.String()); m != nil {
		a.message = m[1]
	}
	for _, c := range rec.Result().Cookies() {
		if c.Name == signInCookie {
			a.cookie = c.Value
		}
	}
	return a
}

// failN signs in with a wrong password n times and checks each is refused as such.
func (f *throttleFixture) failN(t *testing.T, n int, address, username string) {
	t.Helper()
	for i := range n {
		if a := f.signIn(address, username, "wrong-password"); a.status != http.StatusUnauthorized {
			t.Fatalf("wrong password %d of %d for %s from %s: status %d, want 401 (%s)", i+1, n, username, address, a.status, a.message)
		}
	}
}

func wantLocked(t *testing.T, a signInAnswer, retryAfter string) {
	t.Helper()
	if a.status != http.StatusTooManyRequests || a.retryAfter != retryAfter || a.cookie != "" {
		t.Fatalf("status %d, Retry-After %q, signed in %v; want 429 with Retry-After %s and no sign-in",
			a.status, a.retryAfter, a.cookie != "", retryAfter)
	}
	if !strings.HasPrefix(a.message, "Too many failed sign-ins. Wait ") {
		t.Errorf("the message reads %q", a.message)
	}
}

const (
	home   = "192.0.2.10:50000"
	office = "198.51.100.20:40000"
)

func TestLoginThrottlePerAccount(t *testing.T) {
	f := newThrottleFixture(t)
	f.failN(t, 5, home, "acme")

	// Locked for 5 minutes: even the right password is refused, also from elsewhere.
	wantLocked(t, f.signIn(home, "acme", "acme-password"), "300")
	wantLocked(t, f.signIn(office, "acme", "acme-password"), "300")
	if !strings.Contains(f.signIn(office, "acme", "acme-password").message, "5 minutes") {
		t.Error("the message does not say how long to wait")
	}
	// Other users from the same address are not locked.
	if a := f.signIn(home, "root", "root-password"); a.status != http.StatusSeeOther || a.cookie == "" {
		t.Fatalf("root from the same address: status %d", a.status)
	}

	f.advance(4*time.Minute + 30*time.Second)
	wantLocked(t, f.signIn(home, "acme", "acme-password"), "30")
	f.advance(30 * time.Second)
	if a := f.signIn(home, "acme", "acme-password"); a.status != http.StatusSeeOther {
		t.Fatalf("after the lock: status %d, want 303", a.status)
	}

	// Locks grow on repeats: 10 minutes, 20, 40, then at most an hour.
	for _, want := range []string{"600", "1200", "2400", "3600", "3600"} {
		f.failN(t, 5, office, "acme")
		wantLocked(t, f.signIn(office, "acme", "acme-password"), want)
		secs, _ := time.ParseDuration(want + "s")
		f.advance(secs)
	}
	// A day without locks, and the next is short again.
	f.advance(25 * time.Hour)
	f.failN(t, 5, office, "acme")
	wantLocked(t, f.signIn(office, "acme", "acme-password"), "300")
}

func TestLoginThrottleSuccessResetsAccount(t *testing.T) {
	f := newThrottleFixture(t)
	f.failN(t, 4, home, "acme")
	if a := f.signIn(home, "acme", "acme-password"); a.status != http.StatusSeeOther {
		t.Fatalf("right password after 4 failures: status %d", a.status)
	}
	f.failN(t, 4, home, "acme") // would be 8 without the reset
	if a := f.signIn(home, "acme", "acme-password"); a.status != http.StatusSeeOther {
		t.Fatalf("status %d: a success did not start the count over", a.status)
	}

	// Failures older than the window are forgotten.
	f.failN(t, 4, office, "root")
	f.advance(15 * time.Minute)
	f.failN(t, 4, office, "root")
	if a := f.signIn(office, "root", "root-password"); a.status != http.StatusSeeOther {
		t.Fatalf("status %d: failures of an earlier window still count", a.status)
	}
}

func TestLoginThrottleUnknownUserLooksTheSame(t *testing.T) {
	f := newThrottleFixture(t)
	var real, unknown []signInAnswer
	for range 6 {
		real = append(real, f.signIn(home, "acme", "wrong-password"))
		unknown = append(unknown, f.signIn(office, "nobody", "wrong-password"))
	}
	for i := range real {
		r, u := real[i], unknown[i]
		if r != u {
			t.Errorf("attempt %d: acme gets %+v, an unknown user %+v", i+1, r, u)
		}
	}
	wantLocked(t, real[5], "300")
}

func TestLoginThrottlePerAddress(t *testing.T) {
	f := newThrottleFixture(t)
	// Guessing at many usernames from one address: 20 failures lock the address.
	for i := range 20 {
		f.failN(t, 1, home, "user"+string(rune('a'+i)))
	}
	wantLocked(t, f.signIn(home, "root", "root-password"), "300")
	wantLocked(t, f.signIn("192.0.2.10:50001", "fresh", "wrong-password"), "300")
	// Another address is not affected.
	if a := f.signIn(office, "root", "root-password"); a.status != http.StatusSeeOther {
		t.Fatalf("root from another address: status %d", a.status)
	}
	// Successes do not wash an address clean.
	f.advance(5 * time.Minute)
	for i := range 19 {
		f.failN(t, 1, home, "other"+string(rune('a'+i)))
		if a := f.signIn(home, "root", "root-password"); a.status != http.StatusSeeOther {
			t.Fatalf("root between guesses: status %d", a.status)
		}
	}
	f.failN(t, 1, home, "last")
	wantLocked(t, f.signIn(home, "root", "root-password"), "600")
}

func TestLoginThrottleIPv6Network(t *testing.T) {
	f := newThrottleFixture(t)
	// One client usually has a whole /64: its addresses count together.
	for i := range 20 {
		f.failN(t, 1, "[2001:db8:1:2::"+strconv.FormatInt(int64(i+1), 16)+"]:4000", "guess"+strconv.Itoa(i))
	}
	wantLocked(t, f.signIn("[2001:db8:1:2:ffff::1]:5000", "root", "root-password"), "300")
	if a := f.signIn("[2001:db8:1:3::1]:5000", "root", "root-password"); a.status != http.StatusSeeOther {
		t.Fatalf("root from the next /64: status %d", a.status)
	}
}

func TestLoginThrottleParallelGuesses(t *testing.T) {
	f := newThrottleFixture(t)
	const n = 40
	statuses := make(chan int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			statuses <- f.signIn("192.0.2.30:"+string(rune('0'+i%10))+"000", "acme", "wrong-password").status
		})
	}
	wg.Wait()
	close(statuses)
	checked := 0
	for s := range statuses {
		switch s {
		case http.StatusUnauthorized:
			checked++
		case http.StatusTooManyRequests:
		default:
			t.Errorf("status %d", s)
		}
	}
	if checked != 5 {
		t.Errorf("%d of %d parallel guesses had their password checked, want 5", checked, n)
	}
}

func TestPasswordChangeIsThrottled(t *testing.T) {
	f := newThrottleFixture(t)
	a := f.signIn(home, "acme", "acme-password")
	if a.cookie == "" {
		t.Fatalf("sign in: status %d", a.status)
	}
	change := func(current string) (int, string) {
		form := url.Values{"current": {current}, "password": {"brand-new-password"}, "repeat": {"brand-new-password"}}
		req := httptest.NewRequest(http.MethodPost, "/password", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(&http.Cookie{Name: signInCookie, Value: a.cookie})
		req.RemoteAddr = home
		rec := httptest.NewRecorder()
		f.handler.ServeHTTP(rec, req)
		return rec.Code, rec.Header().Get("Retry-After")
	}
	for i := range 5 {
		if status, _ := change("wrong-password"); status != http.StatusBadRequest {
			t.Fatalf("wrong current password %d: status %d, want 400", i+1, status)
		}
	}
	if status, retry := change("acme-password"); status != http.StatusTooManyRequests || retry != "300" {
		t.Fatalf("after 5 wrong current passwords: status %d, Retry-After %q; want 429, 300", status, retry)
	}
	// The sign-in form is locked for acme too: the same guesser.
	wantLocked(t, f.signIn(office, "acme", "acme-password"), "300")
}

func TestWaitText(t *testing.T) {
	if got := waitText(i18n.For("de"), 300); got != "5 Minuten" {
		t.Errorf("waitText in German = %q", got)
	}
	for secs, want := range map[int]string{1: "1 second", 30: "30 seconds", 60: "1 minute", 61: "2 minutes", 300: "5 minutes", 3600: "60 minutes"} {
		if got := waitText(i18n.For("en"), secs); got != want {
			t.Errorf("waitText(%d) = %q, want %q", secs, got, want)
		}
	}
}

// TestLoginThrottleBehindProxy: behind a trusted proxy each client counts on its
// own, by the address the proxy forwards; a forged header from anyone else counts
// for nothing.
func TestLoginThrottleBehindProxy(t *testing.T) {
	proxies, err := ParseTrustedProxies("10.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(t.Context(), filepath.Join(t.TempDir(), "ftppanel.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.PasswordCost = bcrypt.MinCost
	handler := New(Config{Store: db, Registry: session.NewRegistry(), Logger: slog.New(slog.DiscardHandler),
		TrustedProxies: proxies, LoginLimits: LoginLimits{FailureDelay: -1}})
	signIn := func(remote, forwardedFor, username string) int {
		form := url.Values{"username": {username}, "password": {"wrong-password"}}
		req := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", forwardedFor)
		req.RemoteAddr = remote
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		return rec.Code
	}
	for i := range 20 {
		if s := signIn("10.0.0.1:4000", "198.51.100.7", "guess"+strconv.Itoa(i)); s != http.StatusUnauthorized {
			t.Fatalf("guess %d through the proxy: status %d", i+1, s)
		}
	}
	if s := signIn("10.0.0.1:4000", "198.51.100.7", "another"); s != http.StatusTooManyRequests {
		t.Errorf("the guesser behind the proxy: status %d, want 429", s)
	}
	if s := signIn("10.0.0.1:4000", "203.0.113.5", "someone"); s != http.StatusUnauthorized {
		t.Errorf("another client behind the same proxy: status %d, want 401 (not locked)", s)
	}
	// Not a trusted proxy: its X-Forwarded-For is ignored, so it cannot pose as others.
	for i := range 20 {
		signIn("192.0.2.50:4000", "203.0.113."+strconv.Itoa(i), "spray"+strconv.Itoa(i))
	}
	if s := signIn("192.0.2.50:4000", "203.0.113.99", "fresh"); s != http.StatusTooManyRequests {
		t.Errorf("a client forging X-Forwarded-For: status %d, want 429", s)
	}
}
