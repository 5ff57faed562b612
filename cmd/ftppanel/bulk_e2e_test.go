package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestDisconnectSeveralSessionsAtOnce(t *testing.T) {
	t.Parallel()
	in := start(t)
	in.addCustomer("acme")
	in.addCustomer("globex")
	for _, login := range []string{"bob", "bobby", "carol"} {
		in.addFTPUser(login, "acme")
	}
	bob1, bob2, bobby, carol := in.rawDial(), in.rawDial(), in.rawDial(), in.rawDial()
	bob1.login("bob")
	bob2.login("bob")
	bobby.login("bobby")
	carol.login("carol")
	admin := in.signInAdmin()
	waitFor(t, "four sessions", func() bool { return len(admin.rows()) == 4 })

	t.Run("all of one login", func(t *testing.T) {
		admin := admin.with(t)
		ask := admin.post("/sessions/disconnect", url.Values{"login": {"bob"}})
		if ask.status != http.StatusOK || strings.Count(ask.body, "<li data-session-id=") != 2 || strings.Contains(ask.body, "bobby") {
			t.Fatalf("confirmation for all of bob: status %d\n%s", ask.status, ask.body)
		}
		if len(admin.rows()) != 4 {
			t.Fatal("asking disconnected something")
		}
		done := admin.post("/sessions/disconnect", url.Values{"login": {"bob"}, "confirm": {"yes"}})
		if done.status != http.StatusSeeOther {
			t.Fatalf("confirm: status %d", done.status)
		}
		for _, c := range []*rawFTP{bob1, bob2} {
			if err := closedByServer(c.conn); err != nil {
				t.Error(err)
			}
		}
		bobby.with(t).cmd(200, "NOOP")
		if body := admin.get("/sessions").body; !strings.Contains(body, "Disconnected 2 sessions: bob (127.0.0.1), bob (127.0.0.1)") {
			t.Errorf("no message naming both:\n%s", body)
		}
	})

	t.Run("a customer cannot reach another's sessions", func(t *testing.T) {
		globex := in.signIn("globex", "globex-password").with(t)
		ids := url.Values{}
		for id := range admin.with(t).rows() {
			ids.Add("id", id)
		}
		if r := globex.post("/sessions/disconnect", ids); !strings.Contains(r.body, "already ended") {
			t.Errorf("globex's confirmation lists acme's sessions:\n%s", r.body)
		}
		ids.Set("confirm", "yes")
		if r := globex.post("/sessions/disconnect", ids); r.status != http.StatusNotFound {
			t.Errorf("globex confirming: status %d, want 404", r.status)
		}
		bobby.with(t).cmd(200, "NOOP")
		carol.with(t).cmd(200, "NOOP")
	})

	t.Run("the ticked rows", func(t *testing.T) {
		admin := admin.with(t)
		rows := admin.rows()
		ids := url.Values{"confirm": {"yes"}}
		for id := range rows {
			ids.Add("id", id)
		}
		if r := admin.post("/sessions/disconnect", ids); r.status != http.StatusSeeOther {
			t.Fatalf("status %d", r.status)
		}
		for _, c := range []*rawFTP{bobby, carol} {
			if err := closedByServer(c.conn); err != nil {
				t.Error(err)
			}
		}
		if n := len(admin.rows()); n != 0 {
			t.Errorf("%d rows left", n)
		}
	})

	t.Run("nothing ticked", func(t *testing.T) {
		r := admin.with(t).post("/sessions/disconnect", nil)
		if r.status != http.StatusSeeOther || !strings.Contains(admin.with(t).get("/sessions").body, "Tick the sessions to disconnect first.") {
			t.Errorf("status %d", r.status)
		}
	})

	if n := len(in.auditEntries()); n != 4 {
		t.Errorf("%d audit entries, want one per disconnected session (4)", n)
	}
}

func TestDisconnectAndBanAnAddress(t *testing.T) {
	t.Parallel()
	in := start(t)
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	in.addFTPUser("carol", "acme")
	bad1, bad2 := in.rawDialFrom("127.0.0.2"), in.rawDialFrom("127.0.0.2")
	bad1.login("bob")
	bad2.login("carol")
	good := in.rawDial()
	good.login("carol")
	admin := in.signInAdmin()
	id, row := admin.rowFor("bob")
	if !strings.Contains(row, ">Ban IP<") {
		t.Error("admins get a Ban IP button")
	}

	customer := in.signIn("acme", "acme-password")
	if r := customer.get("/sessions/" + id + "/ban"); r.status != http.StatusForbidden {
		t.Errorf("a customer opening the ban page: %d, want 403", r.status)
	}
	if r := customer.post("/sessions/"+id+"/ban", url.Values{"duration": {"24h"}}); r.status != http.StatusForbidden {
		t.Errorf("a customer banning: %d, want 403", r.status)
	}
	if strings.Contains(customer.get("/sessions").body, "Ban IP") {
		t.Error("customers get no Ban IP button")
	}
	if r := admin.post("/sessions/"+id+"/ban", url.Values{"duration": {"17y"}}); r.status != http.StatusBadRequest {
		t.Errorf("a made-up duration: %d, want 400", r.status)
	}
	bad1.cmd(200, "NOOP") // nothing happened yet

	ask := admin.get("/sessions/" + id + "/ban")
	if ask.status != http.StatusOK || !strings.Contains(ask.body, "127.0.0.2") || !strings.Contains(ask.body, "2 sessions") {
		t.Fatalf("ban confirmation: %d\n%s", ask.status, ask.body)
	}
	if r := admin.post("/sessions/"+id+"/ban", url.Values{"duration": {"24h"}, "reason": {"password guessing"}}); r.status != http.StatusSeeOther {
		t.Fatalf("ban: status %d\n%s", r.status, r.body)
	}
	for _, c := range []*rawFTP{bad1, bad2} {
		if err := closedByServer(c.conn); err != nil {
			t.Error(err)
		}
	}
	good.cmd(200, "NOOP")

	// A new connection from the address is refused before it can say anything.
	refused := in.dialBanned("127.0.0.2")
	if !strings.HasPrefix(refused, "421 This address is banned until ") {
		t.Errorf("a banned address was greeted with %q", refused)
	}
	bans := admin.get("/bans")
	if !strings.Contains(bans.body, "127.0.0.2") || !strings.Contains(bans.body, "password guessing") {
		t.Errorf("the bans page does not list the ban:\n%s", bans.body)
	}
	var audited int
	for _, e := range in.auditEntries() {
		if e.Action == "disconnect and ban" && e.RemoteIP == "127.0.0.2" {
			audited++
		}
	}
	if audited != 2 {
		t.Errorf("%d audit entries for the ban, want 2", audited)
	}

	lift := regexpFind(t, bans.body, `action="(/bans/\d+/lift)"`)
	if r := admin.post(lift, nil); r.status != http.StatusSeeOther {
		t.Fatalf("lift: %d", r.status)
	}
	again := in.rawDialFrom("127.0.0.2")
	again.login("bob")
	if r := admin.post(lift, nil); r.status != http.StatusNotFound {
		t.Errorf("lifting twice: %d, want 404", r.status)
	}
}
