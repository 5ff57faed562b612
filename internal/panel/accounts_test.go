package panel

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ftppanel/ftppanel/internal/session"
	"github.com/ftppanel/ftppanel/internal/store"
)

// The FTP accounts pages over a real database and hand-made sessions; the
// end-to-end tests drive them with real FTP clients.

func (f *authzFixture) as(t *testing.T, who, method, path string, form url.Values) authzAnswer {
	t.Helper()
	return f.send(t, method, path, form, f.visitors[who], false)
}

// ended reports whether a session has ended, and why.
func ended(s *session.Session) (bool, string) {
	select {
	case <-s.Done():
		return true, s.Snapshot(time.Now()).EndReason.String()
	default:
		return false, ""
	}
}

func lastAudit(t *testing.T, db *store.DB) store.AuditEntry {
	t.Helper()
	entries, err := db.AuditEntries(t.Context(), 1)
	if err != nil || len(entries) != 1 {
		t.Fatalf("audit log: %v, %v", entries, err)
	}
	return entries[0]
}

func TestAccountChangesEndSessions(t *testing.T) {
	tmpl := newAuthzTemplate(t)
	for _, c := range []struct {
		action, path string
		form         url.Values
		check        func(t *testing.T, db *store.DB)
	}{
		{"disable account", "/accounts/bob/disable", nil, func(t *testing.T, db *store.DB) {
			if a, _ := db.FTPAccountIn(t.Context(), store.AllAccounts(), "bob"); !a.Disabled {
				t.Error("bob is not disabled")
			}
			if _, err := db.AuthenticateFTP(t.Context(), "bob", "bob-password"); !errors.Is(err, store.ErrBadCredentials) {
				t.Errorf("disabled bob can still log in: %v", err)
			}
		}},
		{"delete account", "/accounts/bob/delete", nil, func(t *testing.T, db *store.DB) {
			if _, err := db.FTPAccountIn(t.Context(), store.AllAccounts(), "bob"); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("bob still exists: %v", err)
			}
		}},
		{"change password", "/accounts/bob/password", url.Values{"password": {"bobs-new-password"}, "repeat": {"bobs-new-password"}},
			func(t *testing.T, db *store.DB) {
				if _, err := db.AuthenticateFTP(t.Context(), "bob", "bobs-new-password"); err != nil {
					t.Errorf("the new password does not work: %v", err)
				}
			}},
	} {
		for _, who := range []string{"acme", "root"} {
			t.Run(c.action+" by "+who, func(t *testing.T) {
				f := newAuthzFixture(t, tmpl)
				second := f.addSession("192.0.2.3", "bob", "acme", time.Now())
				a := f.as(t, who, http.MethodPost, c.path, c.form)
				if a.status != http.StatusSeeOther || a.location != "/accounts" {
					t.Fatalf("status %d to %q, want 303 to /accounts\n%s", a.status, a.location, a.body)
				}
				for _, s := range []*session.Session{f.bob, second} {
					if done, reason := ended(s); !done || reason != "disconnected by "+who {
						t.Errorf("a session of bob: ended %v, reason %q; want disconnected by %s", done, reason, who)
					}
				}
				if done, _ := ended(f.gina); done {
					t.Error("gina's session ended too")
				}
				c.check(t, f.db)
				e := lastAudit(t, f.db)
				if e.Actor != who || e.Action != c.action || e.FTPLogin != "bob" || e.Customer != "acme" || e.Detail != "2 sessions disconnected" {
					t.Errorf("audit entry %+v", e)
				}
			})
		}
	}
}

func TestAccountEnable(t *testing.T) {
	f := newAuthzFixture(t, newAuthzTemplate(t))
	if a := f.as(t, "acme", http.MethodPost, "/accounts/bob/disable", nil); a.status != http.StatusSeeOther {
		t.Fatalf("disable: %d", a.status)
	}
	if a := f.as(t, "acme", http.MethodPost, "/accounts/bob/enable", nil); a.status != http.StatusSeeOther {
		t.Fatalf("enable: %d", a.status)
	}
	if _, err := f.db.AuthenticateFTP(t.Context(), "bob", "bob-password"); err != nil {
		t.Errorf("enabled bob cannot log in: %v", err)
	}
	if e := lastAudit(t, f.db); e.Action != "enable account" || e.FTPLogin != "bob" || e.Actor != "acme" {
		t.Errorf("audit entry %+v", e)
	}
}

func TestAccountCreate(t *testing.T) {
	tmpl := newAuthzTemplate(t)
	t.Run("OK", func(t *testing.T) {
		f := newAuthzFixture(t, tmpl)
		// A customer adds to its own accounts whatever the form says; an admin chooses.
		for who, want := range map[string]string{"acme": "acme", "globex": "globex", "root": "globex"} {
			login := "new-" + who
			a := f.as(t, who, http.MethodPost, "/accounts", url.Values{"login": {" " + login + " "}, "password": {login + "-password"}, "customer": {"globex"}})
			if a.status != http.StatusSeeOther || a.location != "/accounts" {
				t.Fatalf("%s: status %d\n%s", who, a.status, a.body)
			}
			acc, err := f.db.AuthenticateFTP(t.Context(), login, login+"-password")
			if err != nil || acc.Customer != want {
				t.Errorf("%s's new account: %+v, %v; want customer %s", who, acc, err, want)
			}
			if e := lastAudit(t, f.db); e.Action != "create account" || e.FTPLogin != login || e.Customer != want {
				t.Errorf("audit entry %+v", e)
			}
		}
		list := f.as(t, "acme", http.MethodGet, "/accounts", nil)
		if !strings.Contains(list.body, `data-account="new-acme"`) || strings.Contains(list.body, "new-globex") {
			t.Errorf("acme's list:\n%s", list.body)
		}
	})
	t.Run("Refused", func(t *testing.T) {
		f := newAuthzFixture(t, tmpl)
		for _, c := range []struct {
			who  string
			form url.Values
			want string
		}{
			{"acme", url.Values{"login": {"gina"}, "password": {"long-enough"}}, "The login gina is taken: FTP logins are unique on this server. Choose another, such as acme-gina."},
			{"acme", url.Values{"login": {"bob"}, "password": {"long-enough"}}, "The login bob is taken"},
			{"acme", url.Values{"login": {"Bad Name"}, "password": {"long-enough"}}, "is not allowed"},
			{"acme", url.Values{"login": {""}, "password": {"long-enough"}}, "must not be empty"},
			{"acme", url.Values{"login": {"shorty"}, "password": {"short"}}, "The password is not accepted: it must have at least 8 characters."},
			{"root", url.Values{"login": {"fine"}, "password": {"long-enough"}}, "Choose the customer"},
			{"root", url.Values{"login": {"fine"}, "password": {"long-enough"}, "customer": {"nobody"}}, "There is no customer named nobody."},
		} {
			a := f.as(t, c.who, http.MethodPost, "/accounts", c.form)
			if a.status != http.StatusBadRequest || !strings.Contains(a.body, c.want) {
				t.Errorf("%s adds %v: status %d, want 400 saying %q\n%s", c.who, c.form, a.status, c.want, a.body)
			}
			if strings.Contains(a.body, "long-enough") {
				t.Errorf("the refused form sends the password back")
			}
			if c.who == "acme" && strings.Contains(a.body, "globex") {
				t.Errorf("acme's refused form names globex, another customer:\n%s", a.body)
			}
		}
		if all, _ := f.db.FTPAccounts(t.Context(), store.AllAccounts()); len(all) != 2 {
			t.Errorf("%d accounts after refused forms, want 2", len(all))
		}
	})
}

func TestAccountPasswordRefused(t *testing.T) {
	f := newAuthzFixture(t, newAuthzTemplate(t))
	for form, want := range map[[2]string]string{
		{"new-password-1", "new-password-2"}: "The two new passwords differ",
		{"short", "short"}:                   "at least 8 characters",
	} {
		a := f.as(t, "acme", http.MethodPost, "/accounts/bob/password", url.Values{"password": {form[0]}, "repeat": {form[1]}})
		if a.status != http.StatusBadRequest || !strings.Contains(a.body, want) {
			t.Errorf("%q: status %d, want 400 saying %q", form, a.status, want)
		}
	}
	f.untouched(t, "a refused password form")
}

func TestAccountsList(t *testing.T) {
	f := newAuthzFixture(t, newAuthzTemplate(t))
	f.idle(t, "gina", 30*time.Minute)
	admin := f.as(t, "root", http.MethodGet, "/accounts", nil).body
	for _, want := range []string{`data-account="bob"`, `data-account="gina"`, ">/bob<", ">/gina<", ">30m 00s<", ">globex<"} {
		if !strings.Contains(admin, want) {
			t.Errorf("the admin's list lacks %s", want)
		}
	}
	acme := f.as(t, "acme", http.MethodGet, "/accounts", nil).body
	if !strings.Contains(acme, `data-account="bob"`) || strings.Contains(acme, "gina") {
		t.Errorf("acme's list:\n%s", acme)
	}
}

// idle gives an account its own idle timeout.
func (f *authzFixture) idle(t *testing.T, login string, d time.Duration) {
	t.Helper()
	if err := f.db.SetFTPIdleTimeout(t.Context(), login, d); err != nil {
		t.Fatal(err)
	}
}

// TestAccountChangeCatchesLoginsInBetween: a client that logs in again while the
// change is being made is disconnected too, by the panel, and counted.
func TestAccountChangeCatchesLoginsInBetween(t *testing.T) {
	f := newAuthzFixture(t, newAuthzTemplate(t))
	p := &Panel{store: f.db, sessions: Local{f.registry}, log: slog.New(slog.DiscardHandler), now: time.Now}
	acme, err := f.db.AuthenticatePanelUser(t.Context(), "acme", "acme-password")
	if err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequestWithContext(context.WithValue(t.Context(), userKey{}, acme), http.MethodPost, "/accounts/bob/disable", nil)
	a, err := f.db.FTPAccountIn(t.Context(), accountScope(acme), "bob")
	if err != nil {
		t.Fatal(err)
	}
	var again *session.Session
	n, err := p.changeAccount(r, "disable account", a, func() error {
		if done, _ := ended(f.bob); !done {
			t.Error("bob's session was still open when the change was made")
		}
		again = f.addSession("192.0.2.9", "bob", "acme", time.Now())
		return f.db.SetFTPDisabled(t.Context(), "bob", true)
	})
	if err != nil || n != 2 {
		t.Fatalf("changeAccount = %d, %v; want 2 sessions ended", n, err)
	}
	if done, reason := ended(again); !done || reason != "disconnected by acme" {
		t.Errorf("the session opened during the change: ended %v, reason %q", done, reason)
	}
	if e := lastAudit(t, f.db); e.Detail != "2 sessions disconnected" {
		t.Errorf("audit entry %+v", e)
	}

	// A change that fails after the disconnect still says who disconnected whom.
	f.addSession("192.0.2.10", "bob", "acme", time.Now())
	if _, err := p.changeAccount(r, "delete account", a, func() error { return errors.New("disk full") }); err == nil {
		t.Fatal("the change's error was lost")
	}
	if e := lastAudit(t, f.db); e.Action != "delete account" || e.Detail != "1 session disconnected; the change itself failed" {
		t.Errorf("audit entry %+v", e)
	}
}

func TestLimitInputReadsBack(t *testing.T) {
	for bps, want := range map[int64]string{0: "", 2 << 20: "2M", 512 << 10: "512K", 3 << 19: "1.5M", 1000: "1000", 1 << 30: "1G", 2<<20 + 1: "2097153"} {
		got := limitInput(bps)
		if got != want {
			t.Errorf("limitInput(%d) = %q, want %q", bps, got, want)
		}
		r := httptest.NewRequest(http.MethodPost, "/accounts/bob/limits", nil)
		if back, problem := readLimit(r, "DownloadLimitNotAccepted", got); problem != "" || back != bps {
			t.Errorf("%q reads back as %d, %q; want %d", got, back, problem, bps)
		}
	}
}

func TestAccountLimits(t *testing.T) {
	f := newAuthzFixture(t, newAuthzTemplate(t))
	a := f.as(t, "acme", http.MethodGet, "/accounts", nil)
	if !strings.Contains(a.body, "no limit") {
		t.Errorf("the accounts page does not say bob has no limit")
	}
	// The limits are the host's: a customer sees them, and cannot reach the form.
	if strings.Contains(a.body, "/accounts/bob/limits") {
		t.Error("a customer is offered the speed limits form")
	}
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		a := f.as(t, "acme", method, "/accounts/bob/limits", url.Values{"down": {"off"}, "up": {"off"}})
		if a.status != http.StatusForbidden || !strings.Contains(a.body, "Administrators only") {
			t.Errorf("a customer's %s of the limits form: %d, want 403", method, a.status)
		}
	}
	if !strings.Contains(f.as(t, "root", http.MethodGet, "/accounts", nil).body, "/accounts/bob/limits") {
		t.Error("the admin is not offered the speed limits form")
	}
	a = f.as(t, "root", http.MethodPost, "/accounts/bob/limits", url.Values{"down": {"2M"}, "up": {"512K"}})
	if a.status != http.StatusSeeOther {
		t.Fatalf("set limits: %d %s", a.status, a.body)
	}
	info, err := f.db.FTPAccountIn(t.Context(), store.AllAccounts(), "bob")
	if err != nil || info.DownloadLimit != 2<<20 || info.UploadLimit != 512<<10 {
		t.Fatalf("stored: %+v, %v", info, err)
	}
	if e := lastAudit(t, f.db); e.Action != "limit account" || e.FTPLogin != "bob" || e.Actor != "root" ||
		e.Detail != "down 2 MiB/s, up 512 KiB/s" {
		t.Errorf("audit entry %+v", e)
	}
	if a := f.as(t, "acme", http.MethodGet, "/accounts", nil); !strings.Contains(a.body, "down 2 MiB/s, up 512 KiB/s") {
		t.Error("the accounts page does not show bob's limits to his customer")
	}
	if a := f.as(t, "root", http.MethodGet, "/accounts/bob/limits", nil); !strings.Contains(a.body, `value="2M"`) ||
		!strings.Contains(a.body, `value="512K"`) {
		t.Error("the limits form does not show bob's limits")
	}
	// A bad value: 422, the form again with what was typed, nothing changed.
	a = f.as(t, "root", http.MethodPost, "/accounts/bob/limits", url.Values{"down": {"fast"}, "up": {"off"}})
	if a.status != http.StatusUnprocessableEntity || !strings.Contains(a.body, "The download limit is not accepted") ||
		!strings.Contains(a.body, `value="fast"`) {
		t.Errorf("a bad value: %d", a.status)
	}
	// Empty and off lift them.
	a = f.as(t, "root", http.MethodPost, "/accounts/bob/limits", url.Values{"down": {""}, "up": {"off"}})
	if info, _ := f.db.FTPAccountIn(t.Context(), store.AllAccounts(), "bob"); a.status != http.StatusSeeOther ||
		info.DownloadLimit != 0 || info.UploadLimit != 0 {
		t.Errorf("lifting: %d, %+v", a.status, info)
	}
	// The sessions page says what the account limits a session to (the FTP
	// server sets them on its sessions).
	f.bob.SetAccountLimits(2<<20, 0)
	if a := f.as(t, "acme", http.MethodGet, "/sessions", nil); !strings.Contains(a.body, "account: down 2 MiB/s, up no limit") {
		t.Error("the sessions page does not show bob's account limits")
	}
	if a := f.as(t, "root", http.MethodPost, "/accounts/nobody/limits", url.Values{"down": {"1M"}}); a.status != http.StatusNotFound {
		t.Errorf("an unknown account: %d", a.status)
	}
}
