package panel

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/ftppanel/ftppanel/internal/format"
	"github.com/ftppanel/ftppanel/internal/session"
	"github.com/ftppanel/ftppanel/templates"
)

// limitSessions sets or lifts the speed limit of the sessions ticked in the
// list (id fields). Without a rate it asks for one: the page for browsers
// without JavaScript (with it, the limit dialog posts the rate at once). It
// audits each session it limits and returns to the list.
func (p *Panel) limitSessions(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil || len(r.PostForm["id"]) > maxBulk {
		p.showError(w, r, http.StatusBadRequest, tr(r, "RequestRefused"), tr(r, "FormUnreadable"))
		return
	}
	u := currentUser(r)
	ids := r.PostForm["id"]
	if len(ids) == 0 {
		setFlash(w, r, tr(r, "TickSessionsToLimit"))
		seeOther(w, r, "/sessions")
		return
	}
	var pending []session.Snapshot
	for _, id := range ids {
		if !session.ValidID(id) {
			continue
		}
		if snap, err := p.sessions.Get(id, scope(u)); err == nil {
			pending = append(pending, snap)
		}
	}
	_, asked := r.PostForm["rate"]
	text := r.PostForm.Get("rate")
	if text == "custom" {
		text = r.PostForm.Get("custom")
	}
	bps, err := format.ParseLimit(text)
	missing := strings.TrimSpace(text) == ""
	if !asked || missing || err != nil || len(pending) == 0 {
		status, message := http.StatusOK, ""
		switch {
		case len(pending) == 0:
			status = http.StatusNotFound
		case asked && missing:
			status, message = http.StatusUnprocessableEntity, tr(r, "LimitMissing")
		case asked:
			status, message = http.StatusUnprocessableEntity, tr(r, "LimitRefused", "Reason", limitProblem(r, text, err))
		}
		rows := make([]templates.SessionRow, len(pending))
		for i, s := range pending {
			rows[i] = p.sessionRow(loc(r), s)
		}
		p.render(w, r, status, templates.BulkLimitView(templates.BulkLimitPage{
			Page: page(r, tr(r, "LimitSpeed")), Rows: rows, Error: message,
		}))
		return
	}

	var limited []session.Snapshot
	var failed error
	for _, s := range pending {
		snap, err := p.sessions.Throttle(s.ID, scope(u), u.Name, bps)
		if err != nil {
			if nerr := (*session.NodeError)(nil); errors.As(err, &nerr) {
				failed = err
			}
			continue
		}
		p.audit(r, "throttle", snap, throttleDetail(snap, bps))
		limited = append(limited, snap)
	}
	if len(limited) == 0 {
		if failed != nil {
			p.nodeDown(w, r, failed)
		} else {
			p.sessionEnded(w, r)
		}
		return
	}
	names := make([]string, len(limited))
	for i, snap := range limited {
		names[i] = fmt.Sprintf("%s (%s)", displayLogin(r, snap), snap.RemoteIP)
	}
	sessions := templates.SessionCountText(r.Context(), len(limited))
	flash := tr(r, "FlashLimitedMany", "Sessions", sessions, "Limit", loc(r).Limit(bps), "Names", strings.Join(names, ", "))
	if bps == 0 {
		flash = tr(r, "FlashLimitLiftedMany", "Sessions", sessions, "Names", strings.Join(names, ", "))
	}
	if failed != nil {
		flash += tr(r, "FlashNodeDidNotAnswer", "Node", nodeOf(failed))
	}
	setFlash(w, r, flash)
	seeOther(w, r, "/sessions")
}
