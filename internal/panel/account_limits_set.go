package panel

import (
	"errors"
	"github.com/ftppanel/ftppanel/internal/i18n"
	"net/http"
	"strings"

	"github.com/ftppanel/ftppanel/internal/format"
	"github.com/ftppanel/ftppanel/internal/session"
	"github.com/ftppanel/ftppanel/internal/store"
	"github.com/ftppanel/ftppanel/templates"
)

// setAccountLimits sets an FTP account's download and upload limits; the FTP
// server applies them to the account's live sessions within a second, without
// disconnecting them. A value it cannot read answers 422 with the form again.
func (p *Panel) setAccountLimits(w http.ResponseWriter, r *http.Request) {
	a, ok := p.accountFor(w, r)
	if !ok {
		return
	}
	if err := r.ParseForm(); err != nil {
		p.showError(w, r, http.StatusBadRequest, tr(r, "RequestRefused"), tr(r, "FormUnreadable"))
		return
	}
	downText, upText := r.PostForm.Get("down"), r.PostForm.Get("up")
	down, problem := readLimit(r, i18n.Msg("DownloadLimitNotAccepted"), downText)
	var up int64
	if problem == "" {
		up, problem = readLimit(r, i18n.Msg("UploadLimitNotAccepted"), upText)
	}
	if problem != "" {
		live := len(p.sessions.List(scope(currentUser(r)), session.Filter{ExactLogin: a.Login}))
		p.render(w, r, http.StatusUnprocessableEntity, templates.AccountLimitsView(templates.AccountLimitsPage{
			Page: page(r, tr(r, "SpeedLimitsOf", "Login", a.Login)), Row: p.accountRow(r, a, live),
			Down: downText, Up: upText, Error: problem,
		}))
		return
	}
	err := p.store.SetFTPRateLimits(r.Context(), a.Login, down, up)
	if errors.Is(err, store.ErrNotFound) {
		p.accountNotFound(w, r)
		return
	}
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	p.auditAccount(r, "limit account", a, format.Limits(down, up))
	setFlash(w, r, tr(r, "FlashAccountLimits", "Login", a.Login, "Limits", limitsText(loc(r), down, up)))
	seeOther(w, r, "/accounts")
}

// readLimit reads one limit of the form: empty or off is none. A value it
// cannot read gives the message refused (with the reason) instead.
func readLimit(r *http.Request, refused, text string) (int64, string) {
	if strings.TrimSpace(text) == "" {
		return 0, ""
	}
	bps, err := format.ParseLimit(text)
	if err != nil {
		return 0, tr(r, refused, "Reason", limitProblem(r, text, err))
	}
	return bps, ""
}
