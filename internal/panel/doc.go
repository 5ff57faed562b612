// Package panel is the web panel: hosting customers see their FTP sessions and
// admins see and disconnect any of them.
//
// Files are of two kinds, told apart by their names:
//
//   - A name with an underscore, <subject>_<action>.go, holds one HTTP handler,
//     the route's action: session_disconnect.go (POST
//     /sessions/{id}/disconnect), accounts_list.go (GET /accounts),
//     api_session_get.go (GET /api/v1/sessions/{id}). Helpers only that
//     handler uses stay beside it.
//   - A name without one, for its idea, holds what handlers share: panel.go
//     (Config, New), routes.go (every route), middleware.go, response.go
//     (pages, errors, redirects), authz.go, audit.go, flash.go, records.go
//     (history and audit pages), accounts.go, sessionsview.go and sessionrow.go
//     (the list),
//     apiauth.go, apiresponse.go and apiview.go (the JSON API), loginthrottle.go,
//     basepath.go, trustedproxies.go, frameancestors.go and publicurl.go (behind
//     a reverse proxy or in a frame).
//
// TestHandlerFiles checks both against routes.go. The views are in
// package templates; every URL a page or a redirect names is made by
// templates.URL or templates.Path, which put the base path in front.
package panel
