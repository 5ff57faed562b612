package main

import (
	"net/http"
	"strings"
	"testing"
)

// TestFleetMaintenanceIsPerNode: maintenance switched on through node a's API
// refuses logins on a only, a's banner names a, b's state stays off; a
// restarted a is no longer in maintenance (it lives in memory).
func TestFleetMaintenanceIsPerNode(t *testing.T) {
	t.Parallel()
	ns := startNATS(t)
	bin := buildBinary(t)
	a, b := startNode(t, bin, "a", ns.clientURL), startNode(t, bin, "b", ns.clientURL)
	for _, n := range []*fleetNode{a, b} {
		n.addCustomer("acme")
		n.addFTPUser("bob", "acme")
	}
	tokenA, tokenB := a.apiToken("admin"), b.apiToken("admin")
	scriptA, scriptB := a.browser(), b.browser()

	m := maintenanceState(t, scriptA.apiJSON(http.MethodPost, "/api/v1/maintenance", tokenA, `{"message": "Node a is moving"}`))
	if !m.On || m.Node != "a" {
		t.Fatalf("a's state: %+v", m)
	}
	refused := a.rawDial()
	refused.cmd(331, "USER bob")
	refused.text.PrintfLine("PASS bob-password")
	if got := refused.farewell(); got != "Node a is moving" {
		t.Errorf("a's client read 421 %q", got)
	}
	b.rawDial().login("bob")
	if m := maintenanceState(t, scriptB.api(http.MethodGet, "/api/v1/maintenance", tokenB)); m.On || m.Node != "b" {
		t.Errorf("b's state: %+v", m)
	}
	if banner := a.signInAdmin().get("/sessions").body; !strings.Contains(banner, "the FTP server of node a refuses new logins") {
		t.Errorf("a's banner does not name the node")
	}

	a.restart()
	scriptA = a.browser()
	if m := maintenanceState(t, scriptA.api(http.MethodGet, "/api/v1/maintenance", tokenA)); m.On {
		t.Errorf("a restarted is still in maintenance: %+v", m)
	}
	a.rawDial().login("bob")
}
