package main

import (
	"net/http"
	"strings"
	"testing"
)

// TestFleetThrottleOnAnotherNode: a limit set through node a's API on a
// session node b holds is applied by b (b's own API shows it), another
// customer's token cannot touch it, and a's audit rows name b.
func TestFleetThrottleOnAnotherNode(t *testing.T) {
	t.Parallel()
	ns := startNATS(t)
	bin := buildBinary(t)
	a, b := startNode(t, bin, "a", ns.clientURL), startNode(t, bin, "b", ns.clientURL)
	for _, n := range []*fleetNode{a, b} {
		n.addCustomer("acme")
		n.addCustomer("other")
		n.addFTPUser("carol", "acme")
		n.addFTPUser("dave", "other")
	}
	carol := b.rawDial()
	carol.login("carol")
	dave := b.rawDial()
	dave.login("dave")
	adminA, otherA, adminB := a.apiToken("admin"), a.apiToken("other"), b.apiToken("admin")
	onA, onB := a.browser(), b.browser()
	id := onA.apiID(adminA, "carol")
	onA.apiID(adminA, "dave")

	r := onA.apiJSON(http.MethodPatch, "/api/v1/sessions/"+id, adminA, `{"rate_limit": 1048576}`)
	if r.status != http.StatusOK || !strings.Contains(r.body, `"rate_limit":1048576`) || !strings.Contains(r.body, `"node":"b"`) {
		t.Fatalf("PATCH through a: %d %s", r.status, r.body)
	}
	if s := onB.apiSession(adminB, id); s.RateLimit != 1<<20 {
		t.Errorf("b's API shows rate_limit %d, want 1 MiB/s", s.RateLimit)
	}
	apiErrorMessage(t, onA.apiJSON(http.MethodPatch, "/api/v1/sessions/"+id, otherA, `{"rate_limit": 1}`), http.StatusNotFound)
	if s := onB.apiSession(adminB, id); s.RateLimit != 1<<20 {
		t.Errorf("another customer's token changed the limit to %d", s.RateLimit)
	}
	out := a.mustAPICLI(adminA, "throttle", id, "off")
	if !strings.Contains(out, "Lifted the speed limit of carol") {
		t.Errorf("throttle off printed %q", out)
	}
	if s := onB.apiSession(adminB, id); s.RateLimit != 0 {
		t.Errorf("b's API shows rate_limit %d after off", s.RateLimit)
	}
	onB2 := 0
	for _, e := range a.auditEntries() {
		if e.Action == "throttle" && strings.HasPrefix(e.Detail, "on node b: ") {
			onB2++
		}
	}
	if onB2 != 2 {
		t.Errorf("a's audit log: %+v, want 2 throttle rows naming node b", a.auditEntries())
	}
	carol.cmd(221, "QUIT")
	dave.cmd(221, "QUIT")
}
