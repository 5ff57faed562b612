package panel

import (
	"errors"
	"net/http"

	"github.com/ftppanel/ftppanel/internal/store"
)

// deleteAccount removes an FTP account and disconnects its live sessions at once.
// Its files stay on disk.
func (p *Panel) deleteAccount(w http.ResponseWriter, r *http.Request) {
	a, ok := p.accountFor(w, r)
	if !ok {
		return
	}
	ended, err := p.deleteAccountNow(r, a)
	if errors.Is(err, store.ErrNotFound) {
		p.accountNotFound(w, r)
		return
	}
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	setFlash(w, r, tr(r, "FlashAccountDeleted", "Login", a.Login, "Ended", endedText(r, ended), "Home", accountHome(a.Login)))
	seeOther(w, r, "/accounts")
}
