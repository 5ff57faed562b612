package panel

import (
	"encoding/json"
	"errors"
	"fmt"
	"github.com/ftppanel/ftppanel/internal/i18n"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/ftppanel/ftppanel/internal/store"
	"github.com/ftppanel/ftppanel/templates"
)

// apiCreateLoginLink makes a one-time sign-in link for a customer: what a host's
// control panel calls to send a customer into the panel signed in. Only an
// administrator's token may. With "lang", the link carries the language of the
// host's panel, which the customer then keeps here too.
func (p *Panel) apiCreateLoginLink(w http.ResponseWriter, r *http.Request) {
	if _, ok := p.apiQuery(w, r); !ok {
		return
	}
	if !currentUser(r).IsAdmin() {
		p.apiError(w, r, http.StatusForbidden, "only an administrator's token can make sign-in links")
		return
	}
	var body struct {
		Customer string `json:"customer"`
		Lang     string `json:"lang"`
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil || body.Customer == "" || dec.More() {
		p.apiError(w, r, http.StatusBadRequest, `the body must be {"customer": "NAME"}, with "lang" if wanted`)
		return
	}
	lang, ok := i18n.Supported(body.Lang)
	if body.Lang != "" && !ok {
		p.apiInvalid(w, r, "lang", fmt.Errorf("the panel speaks %s", strings.Join(languageTags(), ", ")))
		return
	}
	token, expires, err := p.store.CreateLoginLink(r.Context(), body.Customer)
	if errors.Is(err, store.ErrNotFound) {
		p.apiError(w, r, http.StatusNotFound, fmt.Sprintf("no customer named %q", body.Customer))
		return
	}
	if err != nil {
		p.apiServerError(w, r, err)
		return
	}
	p.writeJSON(w, r, http.StatusCreated, struct {
		URL       string `json:"url"`
		ExpiresAt string `json:"expires_at"`
	}{p.loginLinkURL(r, token) + langQuery(lang), expires.UTC().Format(time.RFC3339)})
}

// langQuery is a sign-in link's query for its language: none for "".
func langQuery(lang string) string {
	if lang == "" {
		return ""
	}
	return "?" + url.Values{"lang": {lang}}.Encode()
}

// languageTags are the languages the panel speaks, as tags.
func languageTags() []string {
	tags := make([]string, len(i18n.Languages))
	for i, l := range i18n.Languages {
		tags[i] = l.Tag
	}
	return tags
}

// loginLinkURL is where a browser uses a sign-in link: --public-url when given,
// else this panel as the request reached it, with the scheme and host a trusted
// proxy names, if one does.
func (p *Panel) loginLinkURL(r *http.Request, token string) string {
	if p.publicURL != "" {
		return p.publicURL + LoginLinkPath(token)
	}
	scheme := "http"
	if isHTTPS(r) {
		scheme = "https"
	}
	return scheme + "://" + infoOf(r).host + templates.Path(r.Context(), LoginLinkPath(token))
}

// LoginLinkPath is the path, under the base path, of a sign-in link's token.
func LoginLinkPath(token string) string { return "/login-link/" + token }
