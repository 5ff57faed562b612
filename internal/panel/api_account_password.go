package panel

import "net/http"

// apiSetAccountPassword gives an FTP account a new password, {"password"}, and
// disconnects its live sessions at once, as the panel does.
func (p *Panel) apiSetAccountPassword(w http.ResponseWriter, r *http.Request) {
	if _, ok := p.apiQuery(w, r); !ok {
		return
	}
	a, ok := p.apiAccountFor(w, r)
	if !ok {
		return
	}
	var body struct {
		Password string `json:"password"`
	}
	if !p.readBody(w, r, &body) {
		return
	}
	if err := passwordProblem(body.Password); err != nil {
		p.apiInvalid(w, r, "password", err)
		return
	}
	ended, err := p.setAccountPassword(r, a, body.Password)
	if !p.apiAccountChanged(w, r, err) {
		return
	}
	p.writeJSON(w, r, http.StatusOK, apiDisconnected{ended})
}
