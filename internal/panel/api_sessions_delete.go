package panel

import (
	"net/http"

	"github.com/ftppanel/ftppanel/internal/session"
	"github.com/ftppanel/ftppanel/internal/store"
)

// apiDisconnectLogin closes every session of one FTP login within the token's
// scope, all at once, audits each and answers with how many it closed.
func (p *Panel) apiDisconnectLogin(w http.ResponseWriter, r *http.Request) {
	q, ok := p.apiQuery(w, r, "login")
	if !ok {
		return
	}
	login := q.Get("login")
	if login == "" {
		p.apiError(w, r, http.StatusBadRequest, "the login query parameter is required: DELETE /api/v1/sessions?login=LOGIN")
		return
	}
	u := currentUser(r)
	closed, err := p.disconnectLogin(u, login)
	for _, snap := range closed {
		p.auditAPIDisconnect(r, snap)
	}
	if err != nil {
		// Some node did not answer: its sessions of the login may still be there.
		p.apiNodeDown(w, r, err)
		return
	}
	p.writeJSON(w, r, http.StatusOK, struct {
		Disconnected int `json:"disconnected"`
	}{len(closed)})
}

// disconnectLogin closes, all at once, the sessions whose login is exactly login
// and returns them; the error names a node that did not answer.
func (p *Panel) disconnectLogin(u store.User, login string) ([]session.Snapshot, error) {
	return p.sessions.DisconnectMatching(scope(u), session.Filter{ExactLogin: login}, u.Name)
}
