package panel

import "net/http"

// apiDisableAccount stops an FTP account logging in and disconnects its live
// sessions at once, as the panel does; it answers with how many.
func (p *Panel) apiDisableAccount(w http.ResponseWriter, r *http.Request) {
	if _, ok := p.apiQuery(w, r); !ok {
		return
	}
	a, ok := p.apiAccountFor(w, r)
	if !ok {
		return
	}
	ended, err := p.disableAccountNow(r, a)
	if !p.apiAccountChanged(w, r, err) {
		return
	}
	p.writeJSON(w, r, http.StatusOK, apiDisconnected{ended})
}
