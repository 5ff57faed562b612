package panel

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/ftppanel/ftppanel/internal/session"
	"github.com/ftppanel/ftppanel/templates"
)

// maxBulk bounds how many session IDs one form may name.
const maxBulk = 1000

// disconnectSessions disconnects several sessions: the rows ticked in the list
// (id fields), all of one FTP login (login field), or all that the list shows
// for an address filter that is an address or a range ("Disconnect all shown":
// the shown field holds the list's filter as a query). Without confirm=yes it
// shows what it would do and asks; with it, it does, telling each client the
// optional reason, audits each, and returns to the list.
func (p *Panel) disconnectSessions(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil || len(r.PostForm["id"]) > maxBulk {
		p.showError(w, r, http.StatusBadRequest, tr(r, "RequestRefused"), tr(r, "FormUnreadable"))
		return
	}
	message, err := disconnectMessage(r.PostForm.Get("reason"))
	if err != nil {
		p.showError(w, r, http.StatusUnprocessableEntity, tr(r, "ReasonTooLong"), tr(r, "ReasonTooLongText", "Max", session.MaxMessageLen))
		return
	}
	u := currentUser(r)
	login, ids := strings.TrimSpace(r.PostForm.Get("login")), r.PostForm["id"]
	shown, network := r.PostForm.Get("shown"), ""
	var filter session.Filter // of "Disconnect all shown"
	if shown != "" {
		values, err := url.ParseQuery(shown)
		if err != nil {
			p.showError(w, r, http.StatusBadRequest, tr(r, "RequestRefused"), tr(r, "FormUnreadable"))
			return
		}
		q := parseSessionsValues(values, u, p.fleet != nil)
		if network, err = addressNetwork(q.filter.IP); err != nil {
			p.showError(w, r, http.StatusUnprocessableEntity, tr(r, "NotAnAddress"), tr(r, "NotAnAddressText", "Filter", session.Visible(q.filter.IP, 60)))
			return
		}
		filter = q.filter
		filter.IP = network
	}
	if login == "" && len(ids) == 0 && shown == "" {
		setFlash(w, r, tr(r, "TickSessionsFirst"))
		seeOther(w, r, "/sessions")
		return
	}
	var pending []session.Snapshot
	switch {
	case shown != "":
		pending = p.sessions.List(scope(u), filter)
	case login != "":
		pending = p.sessions.List(scope(u), session.Filter{ExactLogin: login})
	default:
		for _, id := range ids {
			if snap, err := p.sessions.Get(id, scope(u)); err == nil && session.ValidID(id) {
				pending = append(pending, snap)
			}
		}
	}

	if r.PostForm.Get("confirm") != "yes" {
		heading := tr(r, "DisconnectSessionsQuestion", "Sessions", templates.SessionCountText(r.Context(), len(pending)))
		switch {
		case shown != "":
			heading = tr(r, "DisconnectAllFrom", "Sessions", templates.SessionCountText(r.Context(), len(pending)), "Network", network)
			if len(pending) == 1 {
				heading = tr(r, "DisconnectTheOneFrom", "Network", network)
			}
		case login != "":
			heading = tr(r, "DisconnectEveryOf", "Login", login)
		}
		rows := make([]templates.SessionRow, len(pending))
		for i, s := range pending {
			rows[i] = p.sessionRow(loc(r), s)
		}
		p.render(w, r, http.StatusOK, templates.BulkConfirmView(templates.BulkConfirmPage{
			Page: page(r, tr(r, "DisconnectSessionsTitle")), Heading: heading, Rows: rows, Login: login, Shown: shown,
		}))
		return
	}

	// All are closed before the wait for any of them to end.
	var closed []session.Snapshot
	how := ""
	switch {
	case shown != "":
		how = "all shown from " + network
		closed, err = p.sessions.DisconnectMatching(scope(u), filter, u.Name, message)
	case login != "":
		closed, err = p.disconnectLogin(u, login, message)
	default:
		ticked := make([]string, len(pending))
		for i, s := range pending {
			ticked[i] = s.ID
		}
		closed, err = p.sessions.DisconnectIDs(ticked, scope(u), u.Name, message)
	}
	if len(closed) == 0 {
		if err != nil {
			p.nodeDown(w, r, err)
		} else {
			p.sessionEnded(w, r)
		}
		return
	}
	names := make([]string, len(closed))
	for i, snap := range closed {
		p.audit(r, "disconnect", snap, disconnectDetail(snap, how, message))
		names[i] = fmt.Sprintf("%s (%s)", displayLogin(r, snap), snap.RemoteIP)
	}
	flash := tr(r, "FlashDisconnectedMany", "Sessions", templates.SessionCountText(r.Context(), len(closed)), "Names", strings.Join(names, ", "))
	if err != nil {
		flash += tr(r, "FlashNodeDown", "Node", nodeOf(err))
	}
	setFlash(w, r, flash)
	seeOther(w, r, "/sessions")
}
