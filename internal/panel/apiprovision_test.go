package panel

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// send is call with a body.
func (f *apiFixture) send(t *testing.T, method, path, token, body string) apiAnswer {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	rec := httptest.NewRecorder()
	f.handler.ServeHTTP(rec, req)
	return apiAnswer{rec.Code, rec.Result().Header, rec.Body.String()}
}

// TestProvisioningBodies pins down what a body may be: one JSON object, within
// 64 KiB, whatever follows it counted too.
func TestProvisioningBodies(t *testing.T) {
	f := newAPIFixture(t)
	for _, tc := range []struct {
		name, body string
		status     int
	}{
		{"one object", `{"login": "a1", "password": "a1-password"}`, http.StatusCreated},
		{"trailing white space", "{\"login\": \"a2\", \"password\": \"a2-password\"}\n\t \n", http.StatusCreated},
		{"two objects", `{"login": "a3", "password": "a3-password"}{}`, http.StatusBadRequest},
		{"trailing garbage", `{"login": "a3", "password": "a3-password"}]`, http.StatusBadRequest},
		{"a long tail", `{"login": "a3", "password": "a3-password"}` + strings.Repeat(" ", 64<<10), http.StatusRequestEntityTooLarge},
		{"empty", ``, http.StatusBadRequest},
		{"null", `null`, http.StatusUnprocessableEntity}, // well formed, no login
		{"a string", `"a3"`, http.StatusBadRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := f.send(t, http.MethodPost, "/api/v1/accounts", f.acme, tc.body)
			if a.status != tc.status {
				t.Errorf("status %d, want %d: %s", a.status, tc.status, a.body)
			}
		})
	}
}

// TestProvisionedAccountJSON pins down the account's fields, which scripts rely on.
func TestProvisionedAccountJSON(t *testing.T) {
	f := newAPIFixture(t)
	a := f.send(t, http.MethodPost, "/api/v1/accounts", f.admin, `{"login": "bob", "customer": "acme", "password": "bob-password"}`)
	if a.status != http.StatusCreated {
		t.Fatalf("status %d: %s", a.status, a.body)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(a.body), &got); err != nil {
		t.Fatal(err)
	}
	created, err := time.Parse(time.RFC3339Nano, got["created_at"].(string))
	if err != nil || created.Location() != time.UTC {
		t.Errorf("created_at %v: %v", got["created_at"], err)
	}
	delete(got, "created_at")
	want := map[string]any{"login": "bob", "customer": "acme", "home": "/bob", "disabled": false, "idle_timeout": 0.0,
		"download_limit": 0.0, "upload_limit": 0.0, "sessions": 0.0}
	if len(got) != len(want) {
		t.Errorf("fields %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
	f.add("192.0.2.7", 40000, f.now).LoggedIn("bob", "acme", "", false, f.now)
	if a := f.call(t, http.MethodGet, "/api/v1/accounts/bob", f.acme); !strings.Contains(a.body, `"sessions":1`) {
		t.Errorf("bob with one session: %s", a.body)
	}
}
