package main

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// Password guessing against the panel's sign-in form, and changing a panel
// password, against the real server.

func TestPanelSignInLocksAfterFailures(t *testing.T) {
	t.Parallel()
	in := start(t)
	in.addCustomer("acme")
	in.addCustomer("globex")

	// Five wrong passwords for acme, sent at once: each is held back a moment, so
	// sending them one by one would only make the test slow.
	guess := func(user string) []response {
		out := make([]response, 5)
		var wg sync.WaitGroup
		for i := range out {
			wg.Go(func() {
				out[i] = in.browser().post("/login", url.Values{"username": {user}, "password": {"a-guess-" + user}})
			})
		}
		wg.Wait()
		return out
	}
	acme, nobody := guess("acme"), guess("nobody")
	for i := range acme {
		if acme[i].status != http.StatusUnauthorized || nobody[i].status != http.StatusUnauthorized {
			t.Errorf("guess %d: status %d for acme, %d for an unknown user; want 401 both", i+1, acme[i].status, nobody[i].status)
		}
	}

	// Now even the right password is refused, with how long to wait.
	// The lock began as the first guess was refused, a moment ago: 5 minutes, less
	// what the others took.
	lockedFor := func(r response) int {
		secs, err := strconv.Atoi(r.header.Get("Retry-After"))
		if err != nil || secs < 240 || secs > 300 {
			return 0
		}
		return secs
	}
	locked := in.browser().post("/login", url.Values{"username": {"acme"}, "password": {"acme-password"}})
	if locked.status != http.StatusTooManyRequests || lockedFor(locked) == 0 {
		t.Fatalf("acme's right password after 5 failures: status %d, Retry-After %q; want 429 with about 300",
			locked.status, locked.header.Get("Retry-After"))
	}
	const msg = "Too many failed sign-ins. Wait 5 minutes, then try again."
	if !strings.Contains(locked.body, msg) {
		t.Errorf("the page does not say %q:\n%s", msg, locked.body)
	}
	for _, c := range locked.header.Values("Set-Cookie") {
		if strings.HasPrefix(c, "ftppanel_session=") {
			t.Error("a locked sign-in got a sign-in cookie")
		}
	}
	// An unknown user is locked the same way, so a lock says nothing about who exists.
	unknown := in.browser().post("/login", url.Values{"username": {"nobody"}, "password": {"whatever-it-is"}})
	if unknown.status != locked.status || lockedFor(unknown) == 0 || !strings.Contains(unknown.body, msg) {
		t.Errorf("an unknown user after 5 failures: status %d, Retry-After %q", unknown.status, unknown.header.Get("Retry-After"))
	}
	// Someone else from the same address signs in as usual.
	in.signIn("globex", "globex-password")
	in.signInAdmin()
}

func TestChangePanelPassword(t *testing.T) {
	t.Parallel()
	in := start(t)
	in.addCustomer("acme")
	laptop, phone := in.signIn("acme", "acme-password"), in.signIn("acme", "acme-password")
	admin := in.signInAdmin()

	if r := laptop.get("/password"); r.status != http.StatusOK || !strings.Contains(r.body, "Change your password") {
		t.Fatalf("GET /password: status %d", r.status)
	}
	for form, want := range map[[3]string]string{
		{"wrong-password", "acme-new-password", "acme-new-password"}: "The current password is wrong; nothing was changed.",
		{"acme-password", "acme-new-password", "acme-new-passwort"}:  "The two new passwords differ",
		{"acme-password", "short", "short"}:                          "at least 8 characters",
		{"acme-password", "acme-password", "acme-password"}:          "The new password is the same as the current one",
	} {
		r := laptop.post("/password", url.Values{"current": {form[0]}, "password": {form[1]}, "repeat": {form[2]}})
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, want) {
			t.Errorf("%q: status %d, want 400 saying %q", form, r.status, want)
		}
	}
	if r := phone.get("/sessions"); r.status != http.StatusOK {
		t.Fatalf("a refused change signed the phone out: status %d", r.status)
	}

	r := laptop.post("/password", url.Values{"current": {"acme-password"}, "password": {"acme-new-password"}, "repeat": {"acme-new-password"}})
	if r.status != http.StatusSeeOther || r.location != "/password" {
		t.Fatalf("change: status %d to %q\n%s", r.status, r.location, r.body)
	}
	if got := laptop.flash("/password"); got != "Your password is changed; signed out 1 other browser." {
		t.Errorf("flash %q", got)
	}
	if r := phone.get("/sessions"); r.status != http.StatusSeeOther || r.location != "/login" {
		t.Errorf("acme's other browser: status %d to %q, want signed out", r.status, r.location)
	}
	if r := admin.get("/sessions"); r.status != http.StatusOK {
		t.Errorf("the admin was signed out: status %d", r.status)
	}
	if r := in.browser().post("/login", url.Values{"username": {"acme"}, "password": {"acme-password"}}); r.status != http.StatusUnauthorized {
		t.Errorf("the old password: status %d, want 401", r.status)
	}
	in.signIn("acme", "acme-new-password")
	if e := in.auditEntries(); len(e) == 0 || e[0].Action != "change panel password" || e[0].Actor != "acme" {
		t.Errorf("audit log: %+v", e)
	}

	// From the command line every browser is signed out, the laptop too.
	out, err := in.cli("acme-third-password\n", "customer", "passwd", "acme")
	if err != nil || !strings.Contains(out, `Changed the panel password of "acme" and signed it out of 2 browsers.`) {
		t.Fatalf("customer passwd: %v\n%s", err, out)
	}
	if r := laptop.get("/sessions"); r.status != http.StatusSeeOther || r.location != "/login" {
		t.Errorf("after customer passwd the laptop: status %d to %q, want signed out", r.status, r.location)
	}
	in.signIn("acme", "acme-third-password")

	out, err = in.cli("admin-new-password\n", "admin", "passwd", "admin")
	if err != nil || !strings.Contains(out, "signed it out of 1 browser.") {
		t.Fatalf("admin passwd: %v\n%s", err, out)
	}
	if r := admin.get("/sessions"); r.status != http.StatusSeeOther {
		t.Errorf("after admin passwd the admin's browser: status %d, want signed out", r.status)
	}
	in.signIn("admin", "admin-new-password")
}

func TestPanelSignInLockOptions(t *testing.T) {
	t.Parallel()
	in := start(t, "--panel-lock-after", "2", "--panel-lock-time", "90s", "--panel-failed-login-delay", "0")
	in.addCustomer("acme")
	for range 2 {
		if r := in.browser().post("/login", url.Values{"username": {"acme"}, "password": {"a-guess"}}); r.status != http.StatusUnauthorized {
			t.Fatalf("a wrong password: status %d", r.status)
		}
	}
	r := in.browser().post("/login", url.Values{"username": {"acme"}, "password": {"acme-password"}})
	secs, _ := strconv.Atoi(r.header.Get("Retry-After"))
	if r.status != http.StatusTooManyRequests || secs < 30 || secs > 90 || !strings.Contains(r.body, "Wait 2 minutes") {
		t.Errorf("after 2 failures with --panel-lock-after 2: status %d, Retry-After %q; want 429 for up to 90s",
			r.status, r.header.Get("Retry-After"))
	}

	for _, bad := range [][]string{{"--panel-lock-after", "0"}, {"--panel-ip-lock-after", "-1"}, {"--panel-lock-time", "0s"}, {"--panel-failed-login-delay", "-1s"}} {
		if out, err := in.cli("", append([]string{"serve", "--print-config"}, bad...)...); err == nil || !strings.Contains(err.Error(), bad[0][2:]) {
			t.Errorf("serve %q: %v\n%s", bad, err, out)
		}
	}
}
