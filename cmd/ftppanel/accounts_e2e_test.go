package main

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jlaffaye/ftp"

	"github.com/ftppanel/ftppanel/internal/store"
)

// The FTP accounts page, driven as a customer and an admin would, with real FTP
// clients logged in to the accounts it changes.

var accountRowPattern = regexp.MustCompile(`(?s)<tr data-account="([^"]+)" data-status="([a-z]+)">(.*?)</tr>`)

// accounts returns the rows of /accounts: login → status and the row's HTML.
func (b *browser) accounts() map[string][2]string {
	b.t.Helper()
	resp := b.get("/accounts")
	if resp.status != http.StatusOK {
		b.t.Fatalf("GET /accounts: status %d\n%s", resp.status, resp.body)
	}
	out := map[string][2]string{}
	for _, m := range accountRowPattern.FindAllStringSubmatch(resp.body, -1) {
		out[m[1]] = [2]string{m[2], m[3]}
	}
	return out
}

// flash is the message the next page shows after a form.
func (b *browser) flash(path string) string {
	b.t.Helper()
	m := regexp.MustCompile(`data-testid="flash">([^<]*)<`).FindStringSubmatch(b.get(path).body)
	if m == nil {
		return ""
	}
	return m[1]
}

// ftpLoginRefused checks that logging in as login with password is refused.
func (in *instance) ftpLoginRefused(t *testing.T, login, password string) {
	t.Helper()
	c := in.rawDial().with(t)
	c.cmd(331, "USER %s", login)
	c.cmd(530, "PASS %s", password)
}

// auditFor returns the newest audit entry with action on login.
func (in *instance) auditFor(action, login string) (store.AuditEntry, bool) {
	for _, e := range in.auditEntries() {
		if e.Action == action && e.FTPLogin == login {
			return e, true
		}
	}
	return store.AuditEntry{}, false
}

func TestAccountsPage(t *testing.T) {
	t.Parallel()
	in := start(t)
	in.addCustomer("acme")
	in.addCustomer("globex")
	in.addFTPUser("bob", "acme")
	in.addFTPUser("gina", "globex")
	acme := in.signIn("acme", "acme-password")
	globex := in.signIn("globex", "globex-password")

	t.Run("lists the customer's own accounts", func(t *testing.T) {
		bob := in.rawDial().with(t)
		bob.login("bob")
		acme := acme.with(t)
		waitFor(t, "bob's session on the accounts page", func() bool {
			return strings.Contains(acme.accounts()["bob"][1], `data-testid="account-sessions"><a href="/sessions?login=bob">1<`)
		})
		page := acme.get("/accounts").body
		rows := acme.accounts()
		if len(rows) != 1 || rows["bob"][0] != "enabled" {
			t.Fatalf("acme's accounts: %q", rows)
		}
		if !strings.Contains(rows["bob"][1], `class="home">/bob<`) {
			t.Errorf("bob's home is not shown as /bob:\n%s", rows["bob"][1])
		}
		if strings.Contains(page, in.data) || strings.Contains(page, "gina") || strings.Contains(page, "globex") {
			t.Errorf("acme's page shows the server's paths or globex's accounts:\n%s", page)
		}
		if !strings.Contains(rows["bob"][1], "15m 00s (server default)") {
			t.Errorf("bob's idle timeout is not the server's:\n%s", rows["bob"][1])
		}
		bob.cmd(221, "QUIT")
	})

	t.Run("another customer's account is not found", func(t *testing.T) {
		bob := in.rawDial().with(t)
		bob.login("bob")
		globex := globex.with(t)
		for _, path := range []string{"/accounts/bob/password", "/accounts/bob/delete", "/accounts/nobody/delete"} {
			if r := globex.get(path); r.status != http.StatusNotFound || !strings.Contains(r.body, "FTP account not found") {
				t.Errorf("globex GET %s: status %d, want 404", path, r.status)
			}
		}
		for _, action := range []string{"disable", "delete", "password"} {
			r := globex.post("/accounts/bob/"+action, url.Values{"password": {"stolen-password"}, "repeat": {"stolen-password"}})
			if r.status != http.StatusNotFound {
				t.Errorf("globex POST %s on bob: status %d, want 404", action, r.status)
			}
		}
		bob.cmd(200, "NOOP") // still connected
		if c := ftpAccount(t, in.openDB(), "bob", "bob-password"); c != "acme" {
			t.Error("bob's password or owner changed")
		}
		bob.cmd(221, "QUIT")
	})

	t.Run("disable disconnects at once and enable lets it back", func(t *testing.T) {
		acme := acme.with(t)
		bob := in.rawDial().with(t)
		bob.login("bob")
		waitFor(t, "bob's session", func() bool { return len(acme.rows()) == 1 })
		r := acme.post("/accounts/bob/disable", nil)
		if r.status != http.StatusSeeOther || r.location != "/accounts" {
			t.Fatalf("disable: status %d to %q", r.status, r.location)
		}
		if err := closedByServer(bob.conn); err != nil {
			t.Errorf("bob's session after disable: %v", err)
		}
		if got := acme.flash("/accounts"); got != "Disabled bob and disconnected 1 session." {
			t.Errorf("flash %q", got)
		}
		if acme.accounts()["bob"][0] != "disabled" {
			t.Error("bob is not shown as disabled")
		}
		in.ftpLoginRefused(t, "bob", "bob-password")
		e, ok := in.auditFor("disable account", "bob")
		if !ok || e.Actor != "acme" || e.Customer != "acme" || e.Detail != "1 session disconnected" {
			t.Errorf("audit entry %+v (found %v)", e, ok)
		}
		waitFor(t, "bob's session in the history, disconnected by acme", func() bool {
			for _, h := range in.history() {
				if h.FTPLogin == "bob" && h.EndReason == "disconnected by acme" {
					return true
				}
			}
			return false
		})

		if r := acme.post("/accounts/bob/enable", nil); r.status != http.StatusSeeOther {
			t.Fatalf("enable: status %d", r.status)
		}
		again := in.rawDial().with(t)
		again.login("bob")
		again.cmd(221, "QUIT")
	})

	t.Run("a new password disconnects at once", func(t *testing.T) {
		acme := acme.with(t)
		// A session that said QUIT leaves the list just after its client reads 221.
		waitFor(t, "bob's earlier sessions to end", func() bool { return len(acme.rows()) == 0 })
		bob := in.rawDial().with(t)
		bob.login("bob")
		if r := acme.get("/accounts/bob/password"); r.status != http.StatusOK || !strings.Contains(r.body, "1 session of bob") {
			t.Errorf("the password form does not warn about bob's session: %d\n%s", r.status, r.body)
		}
		if r := acme.post("/accounts/bob/password", url.Values{"password": {"new-bob-password"}, "repeat": {"other"}}); r.status != http.StatusBadRequest ||
			!strings.Contains(r.body, "The two new passwords differ") {
			t.Errorf("mismatched passwords: status %d", r.status)
		}
		bob.cmd(200, "NOOP")
		r := acme.post("/accounts/bob/password", url.Values{"password": {"new-bob-password"}, "repeat": {"new-bob-password"}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("change password: status %d", r.status)
		}
		if err := closedByServer(bob.conn); err != nil {
			t.Errorf("bob's session after a new password: %v", err)
		}
		in.ftpLoginRefused(t, "bob", "bob-password")
		c, err := ftp.Dial(in.ftpAddr, ftp.DialWithTimeout(10*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		defer c.Quit()
		if err := c.Login("bob", "new-bob-password"); err != nil {
			t.Errorf("the new password does not log in: %v", err)
		}
		if e, ok := in.auditFor("change password", "bob"); !ok || e.Detail != "1 session disconnected" {
			t.Errorf("audit entry %+v (found %v)", e, ok)
		}
	})

	t.Run("a customer adds an account to its own", func(t *testing.T) {
		acme := acme.with(t)
		// The customer field is the admin's; a customer's form adds to itself anyway.
		r := acme.post("/accounts", url.Values{"login": {"carl"}, "password": {"carl-password"}, "customer": {"globex"}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("add carl: status %d\n%s", r.status, r.body)
		}
		if got := acme.flash("/accounts"); got != "Added FTP account carl; its home directory is /carl." {
			t.Errorf("flash %q", got)
		}
		carl := in.ftpLogin("carl")
		if err := carl.Stor("hello.txt", strings.NewReader("hi")); err != nil {
			t.Fatalf("carl uploads: %v", err)
		}
		if _, err := os.Stat(filepath.Join(in.home("acme", "carl"), "hello.txt")); err != nil {
			t.Errorf("carl's upload is not in acme's home for carl: %v", err)
		}
		if r := acme.post("/accounts", url.Values{"login": {"gina"}, "password": {"gina-password"}}); r.status != http.StatusBadRequest ||
			!strings.Contains(r.body, "The login gina is taken") || strings.Contains(r.body, "globex") || !strings.Contains(r.body, `value="gina"`) {
			t.Errorf("a login that exists: status %d\n%s", r.status, r.body)
		}
		carl.Quit()
	})

	t.Run("delete asks, then disconnects and keeps the files", func(t *testing.T) {
		acme := acme.with(t)
		carl := in.rawDial().with(t)
		carl.login("carl")
		ask := acme.get("/accounts/carl/delete")
		if ask.status != http.StatusOK || !strings.Contains(ask.body, "Delete FTP account carl?") || !strings.Contains(ask.body, "/carl") {
			t.Fatalf("confirmation: status %d\n%s", ask.status, ask.body)
		}
		carl.cmd(200, "NOOP") // asking changes nothing
		if r := acme.post("/accounts/carl/delete", nil); r.status != http.StatusSeeOther {
			t.Fatalf("delete: status %d", r.status)
		}
		if err := closedByServer(carl.conn); err != nil {
			t.Errorf("carl's session after delete: %v", err)
		}
		if got := acme.flash("/accounts"); got != "Deleted carl and disconnected 1 session; the files in /carl are kept." {
			t.Errorf("flash %q", got)
		}
		if _, ok := acme.accounts()["carl"]; ok {
			t.Error("carl is still listed")
		}
		in.ftpLoginRefused(t, "carl", "carl-password")
		if _, err := os.Stat(filepath.Join(in.home("acme", "carl"), "hello.txt")); err != nil {
			t.Errorf("carl's files are gone: %v", err)
		}
		if r := acme.post("/accounts/carl/delete", nil); r.status != http.StatusNotFound {
			t.Errorf("deleting again: status %d, want 404", r.status)
		}
	})

	t.Run("the admin sees and manages every account", func(t *testing.T) {
		admin := in.signInAdmin().with(t)
		rows := admin.accounts()
		if len(rows) != 2 || !strings.Contains(rows["gina"][1], `data-label="Customer">globex<`) {
			t.Fatalf("the admin's accounts: %q", rows)
		}
		if r := admin.post("/accounts", url.Values{"login": {"gus"}, "password": {"gus-password"}, "customer": {"globex"}}); r.status != http.StatusSeeOther {
			t.Fatalf("the admin adds gus for globex: status %d\n%s", r.status, r.body)
		}
		if c := ftpAccount(t, in.openDB(), "gus", "gus-password"); c != "globex" {
			t.Errorf("gus belongs to %q, want globex", c)
		}
		gina := in.rawDial().with(t)
		gina.login("gina")
		if r := admin.post("/accounts/gina/disable", nil); r.status != http.StatusSeeOther {
			t.Fatalf("the admin disables gina: status %d", r.status)
		}
		if err := closedByServer(gina.conn); err != nil {
			t.Errorf("gina's session: %v", err)
		}
		// globex sees what was done to its account in its audit log.
		if body := globex.with(t).get("/audit").body; !strings.Contains(body, "disable account") {
			t.Errorf("globex's audit log does not show the disable:\n%s", body)
		}
	})
}

// TestAccountCommands changes accounts with the command line while the server
// runs: the server ends the sessions on its own.
func TestAccountCommands(t *testing.T) {
	t.Parallel()
	in := start(t)
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")

	bob := in.rawDial()
	bob.login("bob")
	out, err := in.cli("bobs-new-password\n", "ftp-user", "passwd", "bob")
	if err != nil || !strings.Contains(out, `Changed the password of FTP account "bob"`) {
		t.Fatalf("ftp-user passwd: %v\n%s", err, out)
	}
	if err := closedByServer(bob.conn); err != nil {
		t.Errorf("bob's session after ftp-user passwd: %v", err)
	}
	in.ftpLoginRefused(t, "bob", "bob-password")

	c, err := ftp.Dial(in.ftpAddr, ftp.DialWithTimeout(10*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Login("bob", "bobs-new-password"); err != nil {
		t.Fatalf("the new password: %v", err)
	}
	in.mustCLI("", "ftp-user", "disable", "bob")
	waitFor(t, "bob's session to end after ftp-user disable", func() bool { return c.NoOp() != nil })
	in.ftpLoginRefused(t, "bob", "bobs-new-password")
	in.mustCLI("", "ftp-user", "enable", "bob")

	raw := in.rawDial()
	raw.cmd(331, "USER bob")
	raw.cmd(230, "PASS bobs-new-password")
	out, err = in.cli("", "ftp-user", "delete", "bob")
	if err != nil || !strings.Contains(out, "Its files stay in "+in.home("acme", "bob")) {
		t.Fatalf("ftp-user delete: %v\n%s", err, out)
	}
	if err := closedByServer(raw.conn); err != nil {
		t.Errorf("bob's session after ftp-user delete: %v", err)
	}
	if _, err := os.Stat(in.home("acme", "bob")); err != nil {
		t.Errorf("bob's home went with the account: %v", err)
	}
}
