package panel

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/ftppanel/ftppanel/internal/session"
	"github.com/ftppanel/ftppanel/internal/store"
)

// listBench is the panel with n sessions, half of them downloading, and an
// admin signed in with a cookie and with an API token.
type listBench struct {
	handler http.Handler
	cookie  *http.Cookie
	token   string
}

func newListBench(b *testing.B, n int) listBench {
	b.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(b.TempDir(), "ftppanel.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	db.PasswordCost = bcrypt.MinCost
	if err := db.AddAdmin(ctx, "root", "root-password"); err != nil {
		b.Fatal(err)
	}
	u, err := db.AuthenticatePanelUser(ctx, "root", "root-password")
	if err != nil {
		b.Fatal(err)
	}
	signIn, err := db.CreateSignIn(ctx, u.ID)
	if err != nil {
		b.Fatal(err)
	}
	token, _, err := db.CreateAPIToken(ctx, "root", "")
	if err != nil {
		b.Fatal(err)
	}
	reg := session.NewRegistry()
	now := time.Now()
	for i := range n {
		s := session.New("192.0.2."+strconv.Itoa(i%250+1), 1024+i%60000, now.Add(-time.Duration(n-i)*time.Millisecond), func() {})
		reg.Add(s)
		s.LoggedIn("user"+strconv.Itoa(i%100), "customer"+strconv.Itoa(i%10), "lftp 4.9", false, now)
		if i%2 == 0 {
			s.StartTransfer(session.StateDownloading, "/site/file-"+strconv.Itoa(i)+".bin", 1<<30, now)
			s.AddDown(int64(i)<<10, now)
		}
	}
	h := New(Config{Store: db, Registry: reg, Logger: slog.New(slog.DiscardHandler),
		IdleTimeout: 15 * time.Minute, IdleWarning: 5 * time.Minute})
	return listBench{handler: h, cookie: &http.Cookie{Name: signInCookie, Value: signIn}, token: token}
}

func (l listBench) get(b *testing.B, path string, auth func(*http.Request)) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	auth(req)
	rec := httptest.NewRecorder()
	l.handler.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		b.Fatalf("GET %s: status %d", path, rec.Code)
	}
	return rec
}

// BenchmarkSessionsPage renders the first page (100 rows) of the sessions list
// with 10,000 sessions, as an admin's browser asks for it: the handler, the
// registry's list, sorting and the templates.
func BenchmarkSessionsPage(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(strconv.Itoa(n)+" sessions", func(b *testing.B) {
			l := newListBench(b, n)
			withCookie := func(r *http.Request) { r.AddCookie(l.cookie) }
			rows := strings.Count(l.get(b, "/sessions", withCookie).Body.String(), `<tr data-session-id=`)
			if rows != 100 {
				b.Fatalf("the first page shows %d rows, want 100", rows)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				l.get(b, "/sessions", withCookie)
			}
		})
	}
}

// BenchmarkAPISessions lists every one of 10,000 sessions as JSON.
func BenchmarkAPISessions(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(strconv.Itoa(n)+" sessions", func(b *testing.B) {
			l := newListBench(b, n)
			withToken := func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+l.token) }
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				l.get(b, "/api/v1/sessions", withToken)
			}
		})
	}
}
