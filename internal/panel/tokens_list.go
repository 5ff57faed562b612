package panel

import (
	"net/http"
	"strconv"

	"github.com/ftppanel/ftppanel/templates"
)

// showTokens lists the signed-in user's API tokens.
func (p *Panel) showTokens(w http.ResponseWriter, r *http.Request) {
	p.renderTokens(w, r, http.StatusOK, templates.TokensPage{Flash: takeFlash(w, r)})
}

// renderTokens shows the tokens page with v's message or new token.
func (p *Panel) renderTokens(w http.ResponseWriter, r *http.Request, status int, v templates.TokensPage) {
	tokens, err := p.store.APITokens(r.Context(), currentUser(r).Name)
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	v.Page = page(r, tr(r, "APITokens"))
	for _, tk := range tokens {
		row := templates.TokenRow{ID: strconv.FormatInt(tk.ID, 10), Label: tk.Label, Created: instant(tk.CreatedAt)}
		if !tk.LastUsedAt.IsZero() {
			row.LastUsed = instant(tk.LastUsedAt)
		}
		v.Tokens = append(v.Tokens, row)
	}
	p.render(w, r, status, templates.TokensView(v))
}
