package panel

import "net/http"

// apiGetAccount shows one FTP account within the token's scope.
func (p *Panel) apiGetAccount(w http.ResponseWriter, r *http.Request) {
	if _, ok := p.apiQuery(w, r); !ok {
		return
	}
	a, ok := p.apiAccountFor(w, r)
	if !ok {
		return
	}
	p.writeAccount(w, r, http.StatusOK, a.Login, "")
}
