package panel

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/ftppanel/ftppanel/internal/store"
)

// requireToken lets API requests with a valid bearer token through, as the panel
// user the token belongs to. Cookies count for nothing here: a page another site
// makes a browser load cannot act on the API.
func (p *Panel) requireToken(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		token = strings.TrimSpace(token)
		if !strings.EqualFold(scheme, "Bearer") || token == "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="ftppanel"`)
			p.apiError(w, r, http.StatusUnauthorized, "an API token is required: send Authorization: Bearer TOKEN")
			return
		}
		u, err := p.store.APITokenUser(r.Context(), token)
		if errors.Is(err, store.ErrNotFound) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="ftppanel", error="invalid_token"`)
			p.apiError(w, r, http.StatusUnauthorized, "the API token is unknown or has been revoked")
			return
		}
		if err != nil {
			p.apiServerError(w, r, err)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), userKey{}, u)))
	})
}
