package panel

import (
	"errors"
	"net/http"

	"github.com/ftppanel/ftppanel/internal/store"
)

// disableAccount stops an FTP account from logging in and disconnects its live
// sessions at once.
func (p *Panel) disableAccount(w http.ResponseWriter, r *http.Request) {
	a, ok := p.accountFor(w, r)
	if !ok {
		return
	}
	ended, err := p.disableAccountNow(r, a)
	if errors.Is(err, store.ErrNotFound) {
		p.accountNotFound(w, r)
		return
	}
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	setFlash(w, r, tr(r, "FlashAccountDisabled", "Login", a.Login, "Ended", endedText(r, ended)))
	seeOther(w, r, "/accounts")
}
