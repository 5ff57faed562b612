package panel

import "net/http"

// apiDeleteAccount removes an FTP account and disconnects its live sessions at
// once, as the panel does; its files stay. It answers with how many sessions ended.
func (p *Panel) apiDeleteAccount(w http.ResponseWriter, r *http.Request) {
	if _, ok := p.apiQuery(w, r); !ok {
		return
	}
	a, ok := p.apiAccountFor(w, r)
	if !ok {
		return
	}
	ended, err := p.deleteAccountNow(r, a)
	if !p.apiAccountChanged(w, r, err) {
		return
	}
	p.writeJSON(w, r, http.StatusOK, apiDisconnected{ended})
}
