package panel

import (
	"fmt"
	"net/http"

	"github.com/ftppanel/ftppanel/internal/session"
)

// apiListSessions lists the sessions the token's user may see, filtered by the
// query parameters login, customer, ip (substrings), state and node (exact).
func (p *Panel) apiListSessions(w http.ResponseWriter, r *http.Request) {
	q, ok := p.apiQuery(w, r, "login", "customer", "ip", "state", "node")
	if !ok {
		return
	}
	filter := session.Filter{
		Login:    q.Get("login"),
		Customer: q.Get("customer"),
		IP:       q.Get("ip"),
		State:    session.State(q.Get("state")),
		Node:     q.Get("node"),
	}
	if filter.State != "" && !session.ValidState(filter.State) {
		p.apiError(w, r, http.StatusBadRequest, fmt.Sprintf(
			"invalid state %q: use one of %q, %q, %q, %q or %q", filter.State,
			session.StateIdle, session.StateUploading, session.StateDownloading, session.StateListing, session.StateNotLoggedIn))
		return
	}
	snaps := p.sessions.List(scope(currentUser(r)), filter)
	out := struct {
		Sessions []apiSession `json:"sessions"`
	}{make([]apiSession, len(snaps))}
	for i, s := range snaps {
		out.Sessions[i] = toAPISession(s)
	}
	p.writeJSON(w, r, http.StatusOK, out)
}
