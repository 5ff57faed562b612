package panel

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/ftppanel/ftppanel/internal/session"
	"github.com/ftppanel/ftppanel/templates"
)

// maxBulk bounds how many session IDs one form may name.
const maxBulk = 1000

// disconnectSessions disconnects several sessions: the rows ticked in the list
// (id fields) or all of one FTP login (login field). Without confirm=yes it shows
// what it would do and asks; with it, it does, audits each, and returns to the list.
func (p *Panel) disconnectSessions(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil || len(r.PostForm["id"]) > maxBulk {
		p.showError(w, r, http.StatusBadRequest, "Request refused", "The form could not be read.")
		return
	}
	u := currentUser(r)
	login, ids := strings.TrimSpace(r.PostForm.Get("login")), r.PostForm["id"]
	if login == "" && len(ids) == 0 {
		setFlash(w, r, "Tick the sessions to disconnect first.")
		seeOther(w, r, "/sessions")
		return
	}
	var pending []session.Snapshot
	if login != "" {
		pending = p.sessions.List(scope(u), session.Filter{ExactLogin: login})
	} else {
		for _, id := range ids {
			if snap, err := p.sessions.Get(id, scope(u)); err == nil && session.ValidID(id) {
				pending = append(pending, snap)
			}
		}
	}

	if r.PostForm.Get("confirm") != "yes" {
		heading := fmt.Sprintf("Disconnect %s?", templates.SessionCountText(len(pending)))
		if login != "" {
			heading = "Disconnect every session of " + login + "?"
		}
		rows := make([]templates.SessionRow, len(pending))
		for i, s := range pending {
			rows[i] = p.sessionRow(s)
		}
		p.render(w, r, http.StatusOK, templates.BulkConfirmView(templates.BulkConfirmPage{
			Page: page(r, "Disconnect sessions"), Heading: heading, Rows: rows, Login: login,
		}))
		return
	}

	// All are closed before the wait for any of them to end.
	var closed []session.Snapshot
	var err error // a node that did not answer
	if login != "" {
		closed, err = p.disconnectLogin(u, login)
	} else {
		ticked := make([]string, len(pending))
		for i, s := range pending {
			ticked[i] = s.ID
		}
		closed, err = p.sessions.DisconnectIDs(ticked, scope(u), u.Name)
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
		p.audit(r, "disconnect", snap, activity(snap))
		names[i] = fmt.Sprintf("%s (%s)", displayLogin(snap), snap.RemoteIP)
	}
	flash := fmt.Sprintf("Disconnected %s: %s", templates.SessionCountText(len(closed)), strings.Join(names, ", "))
	if err != nil {
		flash += "; " + err.Error() + ", so its sessions may still be connected"
	}
	setFlash(w, r, flash)
	seeOther(w, r, "/sessions")
}
