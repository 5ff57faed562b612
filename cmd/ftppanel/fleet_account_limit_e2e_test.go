package main

import (
	"net/http"
	"testing"
)

// TestFleetAccountLimitsReachEveryNode: an account's limit set through one
// node's API reaches the account's running session on another node sharing
// the store (its own watcher applies it), and the first node's view of the
// fleet shows it.
func TestFleetAccountLimitsReachEveryNode(t *testing.T) {
	t.Parallel()
	a, b := sharedNodes(t)
	a.addCustomer("acme")
	a.addFTPUser("bob", "acme")
	b.ftpLogin("bob")
	token := a.apiToken("acme")
	script := a.browser()
	id := script.apiID(token, "bob")
	if s := script.apiSession(token, id); s.Node != "b" || s.AccountDownloadLimit != 0 {
		t.Fatalf("bob's session: node %q, account limit %d", s.Node, s.AccountDownloadLimit)
	}
	// The limits are the host's: an administrator sets them, the customer sees them.
	r := script.apiJSON(http.MethodPatch, "/api/v1/accounts/bob", a.apiToken("admin"), `{"download_limit": 1048576, "upload_limit": 65536}`)
	if r.status != http.StatusOK {
		t.Fatalf("PATCH on a: %d\n%s", r.status, r.body)
	}
	waitFor(t, "bob's session on b to take the limits set on a", func() bool {
		s := script.apiSession(token, id)
		return s.AccountDownloadLimit == 1<<20 && s.AccountUploadLimit == 64<<10
	})
}
