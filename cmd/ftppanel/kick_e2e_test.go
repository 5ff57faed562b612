package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// farewell reads the reply a disconnected client gets before the close.
func (r *rawFTP) farewell() string {
	r.t.Helper()
	r.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	code, msg, err := r.text.ReadResponse(421)
	if err != nil {
		r.t.Fatalf("want a 421 before the close: %d %q: %v", code, msg, err)
	}
	return msg
}

// TestKickByAddressWithAReason: DELETE /api/v1/sessions?ip= closes the sessions
// from an address or range and only those, tells each client the reason, and
// writes a row per session to the audit log and history; a customer's token
// reaches only its own sessions; bad input is refused with a plain message.
func TestKickByAddressWithAReason(t *testing.T) {
	t.Parallel()
	in := start(t)
	in.addCustomer("acme")
	in.addCustomer("other")
	in.addFTPUser("bob", "acme")
	in.addFTPUser("carol", "acme")
	in.addFTPUser("dave", "other")
	adminToken, acmeToken := in.apiToken("admin"), in.apiToken("acme")
	script := in.browser()

	bob := in.rawDialFrom("127.0.0.1")
	bob.login("bob")
	carol2 := in.rawDialFrom("127.0.0.2")
	carol2.login("carol")
	dave2 := in.rawDialFrom("127.0.0.2")
	dave2.login("dave")
	carol3 := in.rawDialFrom("127.0.0.3")
	carol3.login("carol")
	dave4 := in.rawDialFrom("127.0.0.4")
	dave4.login("dave")
	waitFor(t, "five sessions", func() bool {
		n := 0
		for _, s := range script.apiSessions(adminToken, "") {
			n += len(s)
		}
		return n == 5
	})

	t.Run("bad input", func(t *testing.T) {
		script := script.with(t)
		for _, query := range []string{"ip=bob", "ip=127.0.0.0/33", "ip=127.0.0.1&login=bob", "reason=hello",
			"ip=127.0.0.2&reason=" + strings.Repeat("x", 201)} {
			msg := apiErrorMessage(t, script.api(http.MethodDelete, "/api/v1/sessions?"+query, adminToken), http.StatusBadRequest)
			if msg == "" || strings.Contains(msg, "/") && strings.Contains(msg, "home") {
				t.Errorf("%s: message %q", query, msg)
			}
		}
		if _, _, err := in.apiCLI(adminToken, "disconnect", "--ip", "not-an-address"); err == nil ||
			!strings.Contains(err.Error(), "not an IP address or a CIDR range") {
			t.Errorf("disconnect --ip not-an-address: %v", err)
		}
		bob.with(t).cmd(200, "NOOP")
	})

	t.Run("admin, one address", func(t *testing.T) {
		script := script.with(t)
		r := script.api(http.MethodDelete, "/api/v1/sessions?ip=127.0.0.2&reason="+url.QueryEscape("Scanning from your address\r\n230 fake"), adminToken)
		if r.status != http.StatusOK || strings.TrimSpace(r.body) != `{"disconnected":2}` {
			t.Fatalf("DELETE ?ip=127.0.0.2: %d %s", r.status, r.body)
		}
		for _, c := range []*rawFTP{carol2, dave2} {
			if msg := c.with(t).farewell(); msg != "Scanning from your address 230 fake" {
				t.Errorf("the client read 421 %q", msg)
			}
			if err := closedByServer(c.conn); err != nil {
				t.Error(err)
			}
		}
		for _, c := range []*rawFTP{bob, carol3, dave4} {
			c.with(t).cmd(200, "NOOP")
		}
		if e := in.with(t).endedAs(carol2.conn.LocalAddr()); e.EndReason != "disconnected by admin: Scanning from your address 230 fake" {
			t.Errorf("history says %q", e.EndReason)
		}
		entries := in.auditEntries()
		if len(entries) != 2 {
			t.Fatalf("audit log = %+v, want a row per session", entries)
		}
		for _, e := range entries {
			if e.Actor != "admin" || e.RemoteIP != "127.0.0.2" ||
				!strings.Contains(e.Detail, "all of 127.0.0.2/32; reason: Scanning from your address 230 fake") {
				t.Errorf("audit row %+v", e)
			}
		}
	})

	t.Run("a customer's range reaches its own sessions only", func(t *testing.T) {
		script := script.with(t)
		r := script.api(http.MethodDelete, "/api/v1/sessions?ip=127.0.0.0/8", acmeToken)
		if r.status != http.StatusOK || strings.TrimSpace(r.body) != `{"disconnected":2}` {
			t.Fatalf("acme DELETE ?ip=127.0.0.0/8: %d %s, want bob's and carol's", r.status, r.body)
		}
		for _, c := range []*rawFTP{bob, carol3} {
			if err := closedByServer(c.conn); err != nil {
				t.Error(err)
			}
		}
		dave4.with(t).cmd(200, "NOOP")
	})

	t.Run("CLI", func(t *testing.T) {
		out := in.with(t).mustAPICLI(adminToken, "disconnect", "--ip", "127.0.0.4/32", "--reason", "Bye")
		if !strings.Contains(out, "Disconnected 1 session from 127.0.0.4/32.") {
			t.Errorf("printed %q", out)
		}
		if msg := dave4.with(t).farewell(); msg != "Bye" {
			t.Errorf("the client read 421 %q", msg)
		}
		if out := in.with(t).mustAPICLI(adminToken, "disconnect", "--ip", "127.0.0.4"); !strings.Contains(out, "No sessions from 127.0.0.4 to disconnect.") {
			t.Errorf("nothing left: printed %q", out)
		}
	})
}

// TestDisconnectReasonThroughAPIAndPanel: the reason of a single disconnect,
// from the API and from the panel's form without JavaScript, reaches the client
// and the audit log; the panel's "Disconnect all shown" asks with the count.
func TestDisconnectReasonThroughAPIAndPanel(t *testing.T) {
	t.Parallel()
	in := start(t)
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	adminToken := in.apiToken("admin")
	script := in.browser()

	bob := in.rawDial()
	bob.login("bob")
	id := script.apiID(adminToken, "bob")
	if r := script.api(http.MethodDelete, "/api/v1/sessions/"+id+"?reason=Quota+exceeded", adminToken); r.status != http.StatusNoContent {
		t.Fatalf("DELETE with a reason: %d %s", r.status, r.body)
	}
	if msg := bob.farewell(); msg != "Quota exceeded" {
		t.Errorf("the client read 421 %q", msg)
	}

	admin := in.signInAdmin()
	bob = in.rawDial()
	bob.login("bob")
	id, _ = admin.rowFor("bob")
	page := admin.get("/sessions/" + id + "/disconnect")
	if !strings.Contains(page.body, `name="reason"`) {
		t.Errorf("the confirmation page has no reason field")
	}
	if r := admin.post("/sessions/"+id+"/disconnect", url.Values{"reason": {strings.Repeat("y", 201)}}); r.status != http.StatusUnprocessableEntity {
		t.Errorf("a reason too long: %d", r.status)
	}
	if r := admin.post("/sessions/"+id+"/disconnect", url.Values{"reason": {"<b>Abuse</b>"}}); r.status != http.StatusSeeOther {
		t.Fatalf("disconnect with a reason: %d", r.status)
	}
	if msg := bob.farewell(); msg != "<b>Abuse</b>" {
		t.Errorf("the client read 421 %q", msg)
	}
	audit := admin.get("/audit")
	if !strings.Contains(audit.body, "reason: &lt;b&gt;Abuse&lt;/b&gt;") {
		t.Errorf("the audit page does not show the escaped reason")
	}
	waitFor(t, "the history page to show the reason, escaped", func() bool {
		return strings.Contains(admin.get("/history").body, "disconnected by admin: &lt;b&gt;Abuse&lt;/b&gt;")
	})

	// "Disconnect all shown": offered for an address or a range only; without
	// JavaScript it asks on a page with the count, then closes them.
	one, two := in.rawDialFrom("127.0.0.5"), in.rawDialFrom("127.0.0.5")
	one.login("bob")
	two.login("bob")
	other := in.rawDialFrom("127.0.0.6")
	other.login("bob")
	waitFor(t, "three sessions", func() bool { return len(admin.rows()) == 3 })
	if list := admin.get("/sessions?ip=127.0.0."); strings.Contains(list.body, "Disconnect all shown") {
		t.Errorf("offered for an address filter that is not an address")
	}
	list := admin.get("/sessions?ip=127.0.0.5")
	if !strings.Contains(list.body, "Disconnect all shown") {
		t.Fatalf("not offered for an address")
	}
	shown := url.Values{"ip": {"127.0.0.5"}}.Encode()
	ask := admin.post("/sessions/disconnect", url.Values{"shown": {shown}})
	if ask.status != http.StatusOK || !strings.Contains(ask.body, "Disconnect all 2 sessions from 127.0.0.5/32?") || !strings.Contains(ask.body, `name="reason"`) {
		t.Fatalf("confirmation: %d\n%s", ask.status, ask.body)
	}
	if r := admin.post("/sessions/disconnect", url.Values{"shown": {"ip=nonsense"}}); r.status != http.StatusUnprocessableEntity {
		t.Errorf("all shown of a filter that is not an address: %d", r.status)
	}
	done := admin.post("/sessions/disconnect", url.Values{"shown": {shown}, "confirm": {"yes"}, "reason": {"Closing"}})
	if done.status != http.StatusSeeOther {
		t.Fatalf("confirm: %d", done.status)
	}
	for _, c := range []*rawFTP{one, two} {
		if msg := c.farewell(); msg != "Closing" {
			t.Errorf("the client read 421 %q", msg)
		}
	}
	other.cmd(200, "NOOP")
}

// TestCustomerKickInThePanelReachesOwnSessionsOnly: a customer's "Disconnect
// all shown" for an address closes its own sessions from there, never another
// customer's, whatever the form says.
func TestCustomerKickInThePanelReachesOwnSessionsOnly(t *testing.T) {
	t.Parallel()
	in := start(t)
	in.addCustomer("acme")
	in.addCustomer("other")
	in.addFTPUser("bob", "acme")
	in.addFTPUser("dave", "other")
	bob := in.rawDialFrom("127.0.0.11")
	bob.login("bob")
	dave := in.rawDialFrom("127.0.0.11")
	dave.login("dave")
	acme := in.signIn("acme", "acme-password")
	acme.rowFor("bob")

	// The customer filter of the form is an admin's only: it is ignored here.
	shown := url.Values{"ip": {"127.0.0.11"}, "customer": {"other"}}.Encode()
	ask := acme.post("/sessions/disconnect", url.Values{"shown": {shown}})
	if ask.status != http.StatusOK || !strings.Contains(ask.body, "Disconnect the 1 session from 127.0.0.11/32?") || strings.Contains(ask.body, "dave") {
		t.Fatalf("acme's confirmation: %d\n%s", ask.status, ask.body)
	}
	if r := acme.post("/sessions/disconnect", url.Values{"shown": {shown}, "confirm": {"yes"}}); r.status != http.StatusSeeOther {
		t.Fatalf("confirm: %d", r.status)
	}
	if err := closedByServer(bob.conn); err != nil {
		t.Error(err)
	}
	dave.cmd(200, "NOOP")
	for _, e := range in.auditEntries() {
		if e.FTPLogin != "bob" || e.Actor != "acme" {
			t.Errorf("audit row %+v", e)
		}
	}
}
