package panel

import (
	"net/http"

	"github.com/ftppanel/ftppanel/internal/session"
	"github.com/ftppanel/ftppanel/internal/store"
)

// apiDisconnectMatching closes, all at once, every session within the token's
// scope of one FTP login (login=LOGIN) or from one address or range
// (ip=203.0.113.0/24), tells each client the optional reason, audits each and
// answers with how many it closed.
func (p *Panel) apiDisconnectMatching(w http.ResponseWriter, r *http.Request) {
	q, ok := p.apiQuery(w, r, "login", "ip", "reason")
	if !ok {
		return
	}
	login, ip := q.Get("login"), q.Get("ip")
	if (login == "") == (ip == "") {
		p.apiError(w, r, http.StatusBadRequest,
			"one of the login and ip query parameters is required: DELETE /api/v1/sessions?login=LOGIN or ?ip=ADDRESS_OR_CIDR")
		return
	}
	message, err := disconnectMessage(q.Get("reason"))
	if err != nil {
		p.apiError(w, r, http.StatusBadRequest, err.Error())
		return
	}
	u := currentUser(r)
	var closed []session.Snapshot
	how := ""
	if login != "" {
		closed, err = p.disconnectLogin(u, login, message)
	} else {
		network, perr := addressNetwork(ip)
		if perr != nil {
			p.apiError(w, r, http.StatusBadRequest, perr.Error())
			return
		}
		how = "all of " + network
		closed, err = p.disconnectAddress(u, network, message)
	}
	for _, snap := range closed {
		p.auditAPIDisconnect(r, snap, how, message)
	}
	if err != nil {
		// Some node did not answer: its matching sessions may still be there.
		p.apiNodeDown(w, r, err)
		return
	}
	p.writeJSON(w, r, http.StatusOK, struct {
		Disconnected int `json:"disconnected"`
	}{len(closed)})
}

// disconnectLogin closes, all at once, the sessions whose login is exactly login
// and returns them; the error names a node that did not answer.
func (p *Panel) disconnectLogin(u store.User, login, message string) ([]session.Snapshot, error) {
	return p.sessions.DisconnectMatching(scope(u), session.Filter{ExactLogin: login}, u.Name, message)
}

// disconnectAddress closes, all at once, the sessions within u's scope whose
// address is within network (an address or a CIDR range, as addressNetwork
// gives it), on every node; the error names a node that did not answer.
func (p *Panel) disconnectAddress(u store.User, network, message string) ([]session.Snapshot, error) {
	return p.sessions.DisconnectMatching(scope(u), session.Filter{IP: network}, u.Name, message)
}
