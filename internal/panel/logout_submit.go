package panel

import "net/http"

// logout signs this browser out.
func (p *Panel) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(signInCookie); err == nil {
		if err := p.store.EndSignIn(r.Context(), c.Value); err != nil {
			p.serverError(w, r, err)
			return
		}
	}
	clearCookie(w, r, signInCookie)
	seeOther(w, r, "/login")
}
