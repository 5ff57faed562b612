package panel

import (
	"errors"
	"github.com/ftppanel/ftppanel/internal/i18n"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/ftppanel/ftppanel/internal/format"
	"github.com/ftppanel/ftppanel/internal/session"
	"github.com/ftppanel/ftppanel/templates"
)

// limitSession sets a session's speed limit from the dialog or page (rate: a
// preset such as "1M", "custom" with the speed in custom, or "off" to lift
// it), audits it and returns to the list.
func (p *Panel) limitSession(w http.ResponseWriter, r *http.Request) {
	id := chi.URLParam(r, "id")
	if !session.ValidID(id) {
		p.sessionEnded(w, r)
		return
	}
	u := currentUser(r)
	text := r.PostFormValue("rate")
	if text == "custom" {
		text = r.PostFormValue("custom")
	}
	bps, err := format.ParseLimit(text)
	if strings.TrimSpace(text) == "" {
		err = sayError("LimitMissing")
	} else if err != nil {
		err = sayError("LimitRefused", "Reason", limitProblem(r, text, err))
	}
	if err != nil {
		p.refuseLimit(w, r, id, http.StatusUnprocessableEntity, errorText(r, err))
		return
	}
	snap, err := p.sessions.Throttle(id, scope(u), u.Name, bps)
	if hl := (*session.HostLimitError)(nil); errors.As(err, &hl) {
		p.refuseLimit(w, r, id, http.StatusForbidden, hostLimitText(loc(r), hl))
		return
	}
	if err != nil {
		p.sessionMissing(w, r, err)
		return
	}
	p.audit(r, "throttle", snap, throttleDetail(snap, bps))
	if bps == 0 {
		setFlash(w, r, tr(r, "FlashLimitLifted", "Login", displayLogin(r, snap), "IP", snap.RemoteIP))
	} else {
		setFlash(w, r, tr(r, "FlashLimited", "Login", displayLogin(r, snap), "IP", snap.RemoteIP, "Limit", loc(r).Limit(bps)))
	}
	seeOther(w, r, "/sessions")
}

// refuseLimit shows the limit page again for the session, with status and
// what was wrong; a session gone meanwhile gets the usual answer.
func (p *Panel) refuseLimit(w http.ResponseWriter, r *http.Request, id string, status int, problem string) {
	snap, err := p.sessions.Get(id, scope(currentUser(r)))
	if err != nil {
		p.sessionMissing(w, r, err)
		return
	}
	p.render(w, r, status, templates.LimitView(templates.LimitPage{
		Page:  page(r, tr(r, "LimitSpeed")),
		Row:   p.sessionRow(loc(r), snap),
		Error: problem,
	}))
}

// hostLimitText tells a customer, in l's language, why its change to a
// session's limit was refused.
func hostLimitText(l *i18n.Locale, hl *session.HostLimitError) string {
	return l.T("HostLimitRefused", "Limit", l.Limit(hl.Limit))
}
