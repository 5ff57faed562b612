package panel

import "net/http"

// logout signs this browser out.
func (p *Panel) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := p.store.DeletePanelSession(r.Context(), c.Value); err != nil {
			p.serverError(w, r, err)
			return
		}
	}
	clearCookie(w, r, sessionCookie)
	seeOther(w, r, "/login")
}
