package panel

import (
	"net/http"

	"github.com/ftppanel/ftppanel/internal/session"
	"github.com/ftppanel/ftppanel/templates"
)

// showAccountLimits shows the form that sets an FTP account's download and
// upload limits.
func (p *Panel) showAccountLimits(w http.ResponseWriter, r *http.Request) {
	a, ok := p.accountFor(w, r)
	if !ok {
		return
	}
	live := len(p.sessions.List(scope(currentUser(r)), session.Filter{ExactLogin: a.Login}))
	p.render(w, r, http.StatusOK, templates.AccountLimitsView(templates.AccountLimitsPage{
		Page: page(r, tr(r, "SpeedLimitsOf", "Login", a.Login)),
		Row:  p.accountRow(r, a, live),
		Down: limitInput(a.DownloadLimit),
		Up:   limitInput(a.UploadLimit),
	}))
}
