package panel

import (
	"net/http"

	"github.com/ftppanel/ftppanel/templates"
)

// showLogin shows the sign-in form.
func (p *Panel) showLogin(w http.ResponseWriter, r *http.Request) {
	p.render(w, r, http.StatusOK, templates.LoginView(templates.LoginPage{Page: page(r, tr(r, "SignIn"))}))
}
