package panel

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ftppanel/ftppanel/internal/store"
)

// callJSON sends a request with a JSON body, as a script would.
func (f *apiFixture) callJSON(t *testing.T, method, path, token, body string) apiAnswer {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	f.handler.ServeHTTP(rec, req)
	return apiAnswer{rec.Code, rec.Result().Header, rec.Body.String()}
}

func TestAPIPatchAccount(t *testing.T) {
	f := newAPIFixture(t)
	ctx := t.Context()
	if err := f.db.AddCustomer(ctx, "other", "other-password"); err != nil {
		t.Fatal(err)
	}
	for _, a := range [][2]string{{"bob", "acme"}, {"eve", "other"}} {
		if err := f.db.AddFTPAccount(ctx, a[0], a[1], a[0]+"-password"); err != nil {
			t.Fatal(err)
		}
	}

	a := f.callJSON(t, http.MethodPatch, "/api/v1/accounts/bob", f.admin, `{"download_limit": 2097152, "upload_limit": 524288}`)
	if a.status != http.StatusOK {
		t.Fatalf("PATCH bob: %d %s", a.status, a.body)
	}
	var got apiAccount
	if err := json.Unmarshal([]byte(a.body), &got); err != nil || got.Login != "bob" || got.Customer != "acme" ||
		got.DownloadLimit != 2<<20 || got.UploadLimit != 512<<10 || got.IdleTimeout != 0 {
		t.Errorf("answer %+v, %v (%s)", got, err, a.body)
	}
	// A field left out keeps its value; the fields given are one change for
	// the running sessions, and one audit row says what was applied.
	start, err := f.db.LastAccountChange(ctx)
	if err != nil {
		t.Fatal(err)
	}
	a = f.callJSON(t, http.MethodPatch, "/api/v1/accounts/bob", f.admin, `{"upload_limit": 0, "idle_timeout": 600}`)
	if a.status != http.StatusOK {
		t.Fatalf("PATCH bob again: %d %s", a.status, a.body)
	}
	info, err := f.db.FTPAccountIn(ctx, store.AllAccounts(), "bob")
	if err != nil || info.DownloadLimit != 2<<20 || info.UploadLimit != 0 || info.IdleTimeout != 10*time.Minute {
		t.Errorf("stored: %+v, %v", info, err)
	}
	if changes, err := f.db.AccountChangesAfter(ctx, start); err != nil || len(changes) != 1 || changes[0].Change != store.ChangeLimits {
		t.Errorf("account changes recorded by one PATCH: %+v, %v; want one", changes, err)
	}
	entries, err := f.db.AuditEntries(ctx, 10)
	if err != nil || len(entries) != 2 || entries[0].Action != "change account" || entries[0].FTPLogin != "bob" ||
		entries[0].Detail != "limits: down 2 MiB/s, up no limit; idle timeout: 10m 00s (through the API)" {
		t.Errorf("audit: %+v, %v", entries, err)
	}

	// The limits are the host's: a customer's token sees them, never sets them.
	a = f.callJSON(t, http.MethodPatch, "/api/v1/accounts/bob", f.acme, `{"download_limit": 0, "idle_timeout": 86400}`)
	var e map[string]string
	if a.status != http.StatusForbidden || json.Unmarshal([]byte(a.body), &e) != nil ||
		e["error"] != "only an administrator's token can change an account's limits" {
		t.Errorf("a customer's PATCH: %d %s, want 403 saying only an administrator's token can", a.status, a.body)
	}
	if info, _ := f.db.FTPAccountIn(ctx, store.AllAccounts(), "bob"); info.DownloadLimit != 2<<20 || info.IdleTimeout != 10*time.Minute {
		t.Errorf("a customer's token changed its own account's limits: %+v", info)
	}
	if a := f.call(t, http.MethodGet, "/api/v1/accounts/bob", f.acme); a.status != http.StatusOK || !strings.Contains(a.body, `"download_limit":2097152`) {
		t.Errorf("the customer does not see its account's limits: %d %s", a.status, a.body)
	}

	for _, c := range []struct {
		name, token, login, body string
		status                   int
		field                    string
	}{
		{"unknown field", f.admin, "bob", `{"download_limit": 1, "speed": 2}`, http.StatusBadRequest, ""},
		{"empty object", f.admin, "bob", `{}`, http.StatusBadRequest, ""},
		{"not JSON", f.admin, "bob", `down=1`, http.StatusBadRequest, ""},
		{"over 64 KiB", f.admin, "bob", `{"download_limit": 1` + strings.Repeat(" ", 70<<10) + `}`, http.StatusRequestEntityTooLarge, ""},
		{"negative download", f.admin, "bob", `{"download_limit": -1}`, http.StatusUnprocessableEntity, "download_limit"},
		{"negative upload", f.admin, "bob", `{"upload_limit": -5}`, http.StatusUnprocessableEntity, "upload_limit"},
		{"idle too long", f.admin, "bob", `{"idle_timeout": 90000}`, http.StatusUnprocessableEntity, "idle_timeout"},
		{"another customer's", f.acme, "eve", `{"download_limit": 1}`, http.StatusForbidden, ""},
		{"unknown login", f.admin, "nobody", `{"download_limit": 1}`, http.StatusNotFound, ""},
		{"bad login", f.admin, "..", `{"download_limit": 1}`, http.StatusNotFound, ""},
	} {
		a := f.callJSON(t, http.MethodPatch, "/api/v1/accounts/"+c.login, c.token, c.body)
		if a.status != c.status {
			t.Errorf("%s: status %d, want %d (%s)", c.name, a.status, c.status, a.body)
			continue
		}
		var e map[string]string
		if err := json.Unmarshal([]byte(a.body), &e); err != nil || e["error"] == "" || e["field"] != c.field {
			t.Errorf("%s: body %s, want an error naming field %q", c.name, a.body, c.field)
		}
	}
	if info, _ := f.db.FTPAccountIn(ctx, store.AllAccounts(), "eve"); info.DownloadLimit != 0 {
		t.Error("acme's token limited another customer's account")
	}
	// An admin reaches every customer's accounts.
	if a := f.callJSON(t, http.MethodPatch, "/api/v1/accounts/eve", f.admin, `{"download_limit": 1000}`); a.status != http.StatusOK {
		t.Errorf("admin PATCH eve: %d %s", a.status, a.body)
	}
}
