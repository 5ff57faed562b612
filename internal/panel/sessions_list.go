package panel

import (
	"net/http"

	"github.com/ftppanel/ftppanel/internal/session"
	"github.com/ftppanel/ftppanel/templates"
)

// showSessions lists the FTP sessions the user may see, filtered, sorted and one
// page at a time as the URL says.
func (p *Panel) showSessions(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	q := parseSessionsQuery(r, u, p.fleet != nil)
	states := []string{string(session.StateIdle), string(session.StateUploading), string(session.StateDownloading),
		string(session.StateListing)}
	if u.IsAdmin() {
		states = append(states, string(session.StateNotLoggedIn))
	}
	pg := page(r, tr(r, "SessionsHeading"))
	pg.LiveFleetBanner = true // the live part shows the fleet's state
	var nodes []string
	if u.IsAdmin() && p.fleet != nil {
		nodes = p.nodeNames(q.filter.Node)
	}
	p.render(w, r, http.StatusOK, templates.SessionsView(templates.SessionsPage{
		Page:    pg,
		Flash:   takeFlash(w, r),
		IsAdmin: u.IsAdmin(),
		Filter: templates.SessionFilter{
			Login:    q.filter.Login,
			Customer: q.filter.Customer,
			IP:       q.filter.IP,
			State:    string(q.filter.State),
			States:   states,
			Node:     q.filter.Node,
			Nodes:    nodes,
			Sort:     q.sort,
			Dir:      map[bool]string{true: "desc", false: ""}[q.desc],
			Active:   q.filtered(),
		},
		Live:  p.liveView(loc(r), u, q),
		Query: q.queryString(),
		Kick: templates.KickShown{
			Network: q.kickNetwork(),
			Shown:   q.values("", false, 1).Encode(),
		},
	}))
}
