package panel

import "net/http"

// apiEnableAccount lets a disabled FTP account log in again; it answers with
// the account.
func (p *Panel) apiEnableAccount(w http.ResponseWriter, r *http.Request) {
	if _, ok := p.apiQuery(w, r); !ok {
		return
	}
	a, ok := p.apiAccountFor(w, r)
	if !ok {
		return
	}
	err := p.enableAccountNow(r, a)
	if !p.apiAccountChanged(w, r, err) {
		return
	}
	p.writeAccount(w, r, http.StatusOK, a.Login, "")
}
