package main

import (
	"net/http"
	"strings"
	"testing"
)

// TestFleetKickByAddressWithAReason: a kick by address on node a closes the
// matching sessions on every node, each client told the reason, which node b
// writes to its own history; sessions from other addresses stay.
func TestFleetKickByAddressWithAReason(t *testing.T) {
	t.Parallel()
	ns := startNATS(t)
	bin := buildBinary(t)
	a, b := startNode(t, bin, "a", ns.clientURL), startNode(t, bin, "b", ns.clientURL)
	for n, login := range map[*fleetNode]string{a: "bob", b: "carol"} {
		n.addCustomer("acme")
		n.addFTPUser(login, "acme")
	}
	bob := a.rawDialFrom("127.0.0.7")
	bob.login("bob")
	carol := b.rawDialFrom("127.0.0.7")
	carol.login("carol")
	stays := b.rawDialFrom("127.0.0.1")
	stays.login("carol")
	token := a.apiToken("admin")
	script := a.browser()
	waitFor(t, "three sessions on a's list", func() bool {
		n := 0
		for _, s := range script.apiSessions(token, "") {
			n += len(s)
		}
		return n == 3
	})

	r := script.api(http.MethodDelete, "/api/v1/sessions?ip=127.0.0.4/30&reason=Fleet+maintenance", token)
	if r.status != http.StatusOK || strings.TrimSpace(r.body) != `{"disconnected":2}` {
		t.Fatalf("DELETE ?ip=127.0.0.4/30 on a: %d %s", r.status, r.body)
	}
	for name, c := range map[string]*rawFTP{"bob on a": bob, "carol on b": carol} {
		if msg := c.farewell(); msg != "Fleet maintenance" {
			t.Errorf("%s read 421 %q", name, msg)
		}
	}
	stays.cmd(200, "NOOP")
	if e := b.endedAs(carol.conn.LocalAddr()); e.EndReason != "disconnected by admin: Fleet maintenance" {
		t.Errorf("b's history says %q", e.EndReason)
	}
	onB := 0
	for _, e := range a.auditEntries() {
		if strings.HasPrefix(e.Detail, "on node b:") && strings.Contains(e.Detail, "all of 127.0.0.4/30; reason: Fleet maintenance") {
			onB++
		}
	}
	if onB != 1 {
		t.Errorf("a's audit log: %+v, want carol's row naming node b, the range and the reason", a.auditEntries())
	}
}
