package templates

import (
	"strings"
	"testing"
)

func accountsPage(admin bool) AccountsPage {
	role := "customer"
	if admin {
		role = "admin"
	}
	return AccountsPage{
		Page:    Page{Title: "FTP accounts", User: "acme", Role: role, Nav: "/accounts"},
		IsAdmin: admin,
		Rows: []AccountRow{
			{Login: "bob", Customer: "acme", Home: "/bob", IdleTimeout: "15m 00s (server default)", Sessions: 2},
			{Login: "carol", Customer: "acme", Home: "/carol", Disabled: true, IdleTimeout: "30m 00s"},
		},
		Customers: []string{"acme", "globex"},
	}
}

func TestAccountsView(t *testing.T) {
	for _, admin := range []bool{false, true} {
		doc := parseHTML(t, render(t, AccountsView(accountsPage(admin))))
		rows := doc.all(hasAttrName("data-account"))
		if len(rows) != 2 || rows[0].attrs["data-account"] != "bob" || rows[1].attrs["data-account"] != "carol" {
			t.Fatalf("admin=%v: %d account rows", admin, len(rows))
		}
		bob, carol := rows[0], rows[1]
		if got := bob.one(t, hasAttr("data-label", "Home directory")).text(); got != "/bob" {
			t.Errorf("bob's home reads %q", got)
		}
		if got := bob.one(t, hasAttr("data-label", "Status")).text(); got != "enabled" {
			t.Errorf("bob's status reads %q", got)
		}
		if got := carol.one(t, hasAttr("data-label", "Status")).text(); got != "disabled" {
			t.Errorf("carol's status reads %q", got)
		}
		if got := bob.one(t, hasAttr("data-label", "Idle timeout")).text(); got != "15m 00s (server default)" {
			t.Errorf("bob's idle timeout reads %q", got)
		}
		// bob's two sessions link to the list of them; carol has none.
		link := bob.one(t, hasAttr("data-testid", "account-sessions")).one(t, isTag("a"))
		if link.attrs["href"] != "/sessions?login=bob" || !strings.HasPrefix(link.text(), "2") {
			t.Errorf("bob's sessions: link %q reading %q", link.attrs["href"], link.text())
		}
		if got := carol.one(t, hasAttr("data-testid", "account-sessions")).text(); got != "0" {
			t.Errorf("carol's sessions read %q", got)
		}
		if got := len(doc.all(hasAttr("data-label", "Customer"))); (got == 2) != admin || (got != 0) != admin {
			t.Errorf("admin=%v: %d customer cells", admin, got)
		}

		// Each action is a form to the account's own address; only delete asks first.
		actions := map[string]string{}
		for _, f := range bob.all(isTag("form")) {
			actions[f.attrs["action"]] = f.attrs["method"]
		}
		for _, f := range carol.all(isTag("form")) {
			actions[f.attrs["action"]] = f.attrs["method"]
		}
		for action, method := range map[string]string{
			"/accounts/bob/password": "get", "/accounts/bob/disable": "post", "/accounts/bob/delete": "get",
			"/accounts/carol/enable": "post", "/accounts/carol/delete": "get",
		} {
			if actions[action] != method {
				t.Errorf("admin=%v: form %s has method %q, want %s", admin, action, actions[action], method)
			}
		}
		if _, ok := actions["/accounts/bob/enable"]; ok {
			t.Error("an enabled account offers Enable")
		}
		// The speed limits are the host's: only an admin is offered the form.
		if _, ok := actions["/accounts/bob/limits"]; ok != admin {
			t.Errorf("admin=%v: the speed limits form offered: %v", admin, ok)
		}
		for _, b := range bob.all(isTag("button")) {
			if !strings.Contains(b.text(), "bob") {
				t.Errorf("button %q does not name bob for a screen reader", b.text())
			}
		}

		add := doc.one(t, hasAttr("action", "/accounts"))
		if add.attrs["method"] != "post" || add.one(t, hasAttr("name", "password")).attrs["type"] != "password" {
			t.Errorf("the add form: %v", add.attrs)
		}
		if got := add.any(hasAttr("name", "customer")); got != admin {
			t.Errorf("admin=%v: the add form has a customer choice: %v", admin, got)
		}
	}
}

func TestAccountsViewForm(t *testing.T) {
	v := accountsPage(true)
	v.Form = NewAccountForm{Login: xss, Customer: "globex", Error: "An FTP account named " + xss + " already exists"}
	out := render(t, AccountsView(v))
	if strings.Contains(out, xss) {
		t.Fatalf("unescaped %s in output", xss)
	}
	doc := parseHTML(t, out)
	if got := doc.one(t, hasAttr("name", "login")).attrs["value"]; got != xss {
		t.Errorf("the login typed is not kept: %q", got)
	}
	if _, ok := doc.one(t, hasAttr("name", "password")).attrs["value"]; ok {
		t.Error("the password field is filled in")
	}
	if got := doc.one(t, hasAttr("data-testid", "form-error")).text(); !strings.Contains(got, "already exists") {
		t.Errorf("form error reads %q", got)
	}
	globex := doc.one(t, hasAttr("value", "globex"))
	if _, ok := globex.attrs["selected"]; !ok {
		t.Error("the customer chosen is not kept")
	}

	v = accountsPage(true)
	v.Customers = nil
	doc = parseHTML(t, render(t, AccountsView(v)))
	if doc.any(hasAttr("action", "/accounts")) || !doc.any(hasAttr("data-testid", "no-customers")) {
		t.Error("without customers an admin is offered a form that cannot work")
	}

	v = accountsPage(false)
	v.Rows = nil
	doc = parseHTML(t, render(t, AccountsView(v)))
	if got := doc.one(t, hasAttr("data-testid", "empty")).text(); got != "No FTP accounts yet" {
		t.Errorf("empty list reads %q", got)
	}
}

func TestAccountPasswordAndDeleteViews(t *testing.T) {
	row := AccountRow{Login: "bob", Home: "/bob", Sessions: 2}
	doc := parseHTML(t, render(t, AccountPasswordView(AccountPasswordPage{Page: Page{User: "acme"}, Row: row, Error: "differ"})))
	form := doc.one(t, hasAttr("action", "/accounts/bob/password")).attrs
	if form["method"] != "post" {
		t.Errorf("password form %v", form)
	}
	if got := doc.one(t, hasAttr("data-testid", "confirm-question")).text(); !strings.Contains(got, "2 sessions of bob") {
		t.Errorf("the password page says %q", got)
	}

	out := render(t, AccountDeleteView(AccountDeletePage{Page: Page{User: "acme"}, Row: row}))
	doc = parseHTML(t, out)
	form = doc.one(t, hasAttr("action", "/accounts/bob/delete")).attrs
	if form["method"] != "post" {
		t.Errorf("delete form %v", form)
	}
	q := doc.one(t, hasAttr("data-testid", "confirm-question")).text()
	for _, want := range []string{"2 sessions", "/bob", "kept"} {
		if !strings.Contains(q, want) {
			t.Errorf("the delete question %q does not say %q", q, want)
		}
	}
}

func TestPasswordView(t *testing.T) {
	doc := parseHTML(t, render(t, PasswordView(PasswordPage{Page: Page{User: "acme", Role: "customer"}, Flash: "Your password is changed."})))
	form := doc.one(t, hasAttr("action", "/password"))
	for name, auto := range map[string]string{"current": "current-password", "password": "new-password", "repeat": "new-password"} {
		in := form.one(t, hasAttr("name", name))
		if in.attrs["type"] != "password" || in.attrs["autocomplete"] != auto {
			t.Errorf("field %s: type %q, autocomplete %q", name, in.attrs["type"], in.attrs["autocomplete"])
		}
		if !doc.any(hasAttr("for", in.attrs["id"])) {
			t.Errorf("field %s has no label", name)
		}
	}
	if got := doc.one(t, hasAttr("data-testid", "flash")).text(); got != "Your password is changed." {
		t.Errorf("flash reads %q", got)
	}
	// Every signed-in page links here from the header.
	if doc.one(t, hasAttr("href", "/password")).text() != "Change password" {
		t.Error("the header has no Change password link")
	}
}
