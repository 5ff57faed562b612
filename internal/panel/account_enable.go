package panel

import (
	"errors"
	"net/http"

	"github.com/ftppanel/ftppanel/internal/store"
)

// enableAccount lets a disabled FTP account log in again.
func (p *Panel) enableAccount(w http.ResponseWriter, r *http.Request) {
	a, ok := p.accountFor(w, r)
	if !ok {
		return
	}
	err := p.enableAccountNow(r, a)
	if errors.Is(err, store.ErrNotFound) {
		p.accountNotFound(w, r)
		return
	}
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	setFlash(w, r, tr(r, "FlashAccountEnabled", "Login", a.Login))
	seeOther(w, r, "/accounts")
}
