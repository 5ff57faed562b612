package panel

import "github.com/ftppanel/ftppanel/internal/store"

// Authorization is decided in two steps, each in one place:
//
//   - Who may reach a route: the groups in routes.go. Public routes stand
//     outside any group; requireUser lets signed-in panel users in, requireAdmin
//     administrators only, and requireToken API tokens only.
//   - Which records a signed-in user may see or change: scope (FTP sessions),
//     accountScope (FTP accounts) and recordsCustomer (history and audit log).
//     Handlers look things up only through these, so another customer's session
//     or account is "not found", exactly like one that does not exist.
//
// authz_test.go walks every route as nobody, as two customers and as an admin,
// and fails for a route without an expectation.

// accountScope is whose FTP accounts u may see and change.
func accountScope(u store.User) store.AccountScope {
	if u.IsAdmin() {
		return store.AllAccounts()
	}
	return store.CustomerAccounts(u.Customer)
}
