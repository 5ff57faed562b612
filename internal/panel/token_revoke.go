package panel

import (
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/ftppanel/ftppanel/internal/store"
)

// revokeToken ends one of the signed-in user's API tokens.
func (p *Panel) revokeToken(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err == nil {
		err = p.store.RevokeAPIToken(r.Context(), u.Name, id)
	}
	var numErr *strconv.NumError
	if errors.Is(err, store.ErrNotFound) || errors.As(err, &numErr) {
		p.showError(w, r, http.StatusNotFound, tr(r, "TokenNotFound"), tr(r, "TokenNotFoundText"))
		return
	}
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	p.log.Info("API token revoked", slog.String("user", u.Name), slog.Int64("token", id))
	setFlash(w, r, tr(r, "FlashTokenRevoked"))
	seeOther(w, r, "/tokens")
}
