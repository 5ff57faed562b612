package panel

import (
	"errors"
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
		p.showError(w, r, http.StatusBadRequest, "Request refused", "The form could not be read.")
		return
	}
	downText, upText := r.PostForm.Get("down"), r.PostForm.Get("up")
	down, err := readLimit("download", downText)
	var up int64
	if err == nil {
		up, err = readLimit("upload", upText)
	}
	if err != nil {
		live := len(p.sessions.List(scope(currentUser(r)), session.Filter{ExactLogin: a.Login}))
		p.render(w, r, http.StatusUnprocessableEntity, templates.AccountLimitsView(templates.AccountLimitsPage{
			Page: page(r, "Speed limits of "+a.Login), Row: p.accountRow(a, live),
			Down: downText, Up: upText, Error: err.Error(),
		}))
		return
	}
	err = p.store.SetFTPRateLimits(r.Context(), a.Login, down, up)
	if errors.Is(err, store.ErrNotFound) {
		p.accountNotFound(w, r)
		return
	}
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	p.auditAccount(r, "limit account", a, format.Limits(down, up))
	setFlash(w, r, "Speed limits of "+a.Login+": "+format.Limits(down, up)+".")
	seeOther(w, r, "/accounts")
}

// readLimit reads one limit of the form: empty or off is none.
func readLimit(direction, text string) (int64, error) {
	if strings.TrimSpace(text) == "" {
		return 0, nil
	}
	bps, err := format.ParseLimit(text)
	if err != nil {
		return 0, errors.New("The " + direction + " limit is not accepted: " + err.Error() + ".")
	}
	return bps, nil
}
