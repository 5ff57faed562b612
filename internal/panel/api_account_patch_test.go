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

	a := f.callJSON(t, http.MethodPatch, "/api/v1/accounts/bob", f.acme, `{"download_limit": 2097152, "upload_limit": 524288}`)
	if a.status != http.StatusOK {
		t.Fatalf("PATCH bob: %d %s", a.status, a.body)
	}
	var got apiAccount
	if err := json.Unmarshal([]byte(a.body), &got); err != nil || got.Login != "bob" || got.Customer != "acme" ||
		got.DownloadLimit != 2<<20 || got.UploadLimit != 512<<10 || got.IdleTimeout != 0 {
		t.Errorf("answer %+v, %v (%s)", got, err, a.body)
	}
	// A field left out keeps its value.
	a = f.callJSON(t, http.MethodPatch, "/api/v1/accounts/bob", f.acme, `{"upload_limit": 0, "idle_timeout": 600}`)
	if a.status != http.StatusOK {
		t.Fatalf("PATCH bob again: %d %s", a.status, a.body)
	}
	info, err := f.db.FTPAccountIn(ctx, store.AllAccounts(), "bob")
	if err != nil || info.DownloadLimit != 2<<20 || info.UploadLimit != 0 || info.IdleTimeout != 10*time.Minute {
		t.Errorf("stored: %+v, %v", info, err)
	}
	entries, err := f.db.AuditEntries(ctx, 10)
	if err != nil || len(entries) != 2 || entries[0].Action != "change account" || entries[0].FTPLogin != "bob" ||
		!strings.Contains(entries[0].Detail, "down 2 MiB/s, up no limit") {
		t.Errorf("audit: %+v, %v", entries, err)
	}

	for _, c := range []struct {
		name, token, login, body string
		status                   int
		field                    string
	}{
		{"unknown field", f.acme, "bob", `{"download_limit": 1, "speed": 2}`, http.StatusBadRequest, ""},
		{"empty object", f.acme, "bob", `{}`, http.StatusBadRequest, ""},
		{"not JSON", f.acme, "bob", `down=1`, http.StatusBadRequest, ""},
		{"negative download", f.acme, "bob", `{"download_limit": -1}`, http.StatusUnprocessableEntity, "download_limit"},
		{"negative upload", f.acme, "bob", `{"upload_limit": -5}`, http.StatusUnprocessableEntity, "upload_limit"},
		{"idle too long", f.acme, "bob", `{"idle_timeout": 90000}`, http.StatusUnprocessableEntity, "idle_timeout"},
		{"another customer's", f.acme, "eve", `{"download_limit": 1}`, http.StatusNotFound, ""},
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
