package panel

import (
	"net/http"
	"strings"
	"testing"
)

// TestStoreDownShowsAPlainErrorPage: when the store cannot answer, every page
// that needs it is a plain 500 page: no SQL, no driver's words, no path.
func TestStoreDownShowsAPlainErrorPage(t *testing.T) {
	f := newAuthzFixture(t, newAuthzTemplate(t))
	if err := f.db.Close(); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/sessions", "/history", "/audit", "/accounts", "/tokens"} {
		a := f.as(t, "root", http.MethodGet, path, nil)
		if a.status != http.StatusInternalServerError {
			t.Errorf("GET %s with the store down: status %d, want 500", path, a.status)
		}
		for _, internal := range []string{"sql", "database", "closed", "goroutine", ".go:", "panic", "/tmp"} {
			if strings.Contains(strings.ToLower(a.body), internal) {
				t.Errorf("GET %s: the error page shows %q:\n%s", path, internal, a.body)
			}
		}
	}
}
