package panel

import (
	"log/slog"
	"net/http"
	"strings"

	"github.com/ftppanel/ftppanel/internal/store"
	"github.com/ftppanel/ftppanel/templates"
)

// createToken makes an API token for the signed-in user and shows it, once.
func (p *Panel) createToken(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	label := strings.TrimSpace(r.PostFormValue("label"))
	if label == "" {
		label = tr(r, "TokenDefaultLabel") // kept as written, in the language of whoever made it
	}
	if err := store.ValidateTokenLabel(label); err != nil {
		p.renderTokens(w, r, http.StatusBadRequest, templates.TokensPage{Error: errorText(r, err)})
		return
	}
	token, _, err := p.store.CreateAPIToken(r.Context(), u.Name, label)
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	p.log.Info("API token created", slog.String("user", u.Name), slog.String("label", label))
	// Shown in this response only: a redirect would have to carry the token.
	p.renderTokens(w, r, http.StatusOK, templates.TokensPage{NewToken: token})
}
