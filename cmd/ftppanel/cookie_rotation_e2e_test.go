package main

import (
	"net/http"
	"net/url"
	"testing"
)

// cookie is the value of the browser's cookie name for the panel, "" when it has none.
func (b *browser) cookie(name string) string {
	b.t.Helper()
	u, err := url.Parse(b.base + "/")
	if err != nil {
		b.t.Fatal(err)
	}
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

// Changing one's own panel password gives the browser that changed it a new
// sign-in cookie: a copy of the old one, taken before, no longer signs anyone in.
func TestChangingYourPasswordRotatesYourCookie(t *testing.T) {
	t.Parallel()
	in := start(t)
	in.addCustomer("acme")
	laptop := in.signIn("acme", "acme-password")
	old := laptop.cookie("ftppanel_session")
	if old == "" {
		t.Fatal("signing in set no ftppanel_session cookie")
	}

	r := laptop.post("/password", url.Values{"current": {"acme-password"}, "password": {"acme-new-password"}, "repeat": {"acme-new-password"}})
	if r.status != http.StatusSeeOther || r.location != "/password" {
		t.Fatalf("change: status %d to %q\n%s", r.status, r.location, r.body)
	}
	if now := laptop.cookie("ftppanel_session"); now == "" || now == old {
		t.Errorf("the laptop's cookie after the change: %q, want a new one", now)
	}
	if r := laptop.get("/sessions"); r.status != http.StatusOK {
		t.Errorf("the laptop that changed the password: status %d, want still signed in", r.status)
	}

	thief := in.browser()
	req, _ := http.NewRequest(http.MethodGet, thief.base+"/sessions", nil)
	req.AddCookie(&http.Cookie{Name: "ftppanel_session", Value: old})
	if r := thief.do(req); r.status != http.StatusSeeOther || r.location != "/login" {
		t.Errorf("the old cookie after the change: status %d to %q, want signed out", r.status, r.location)
	}
}
