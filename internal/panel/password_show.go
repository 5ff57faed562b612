package panel

import (
	"net/http"

	"github.com/ftppanel/ftppanel/templates"
)

// showPassword shows the form that changes the signed-in user's own password.
func (p *Panel) showPassword(w http.ResponseWriter, r *http.Request) {
	p.render(w, r, http.StatusOK, templates.PasswordView(templates.PasswordPage{
		Page:  page(r, tr(r, "ChangeYourPassword")),
		Flash: takeFlash(w, r),
	}))
}
