package panel

import (
	"net/http"

	"github.com/ftppanel/ftppanel/internal/i18n"
)

// languageCookie remembers the language a browser chose, so that the sign-in
// page speaks it too; a signed-in user's own choice, kept in the store, wins.
const languageCookie = "ftppanel_lang"

// languageCookieAge keeps the choice for a year.
const languageCookieAge = 365 * 24 * 60 * 60

// withLanguage puts the request's language in its context: the browser's
// chosen one (the cookie), else the best match for its Accept-Language.
// requireUser then puts in the signed-in user's own choice, if any.
func (p *Panel) withLanguage(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Vary", "Accept-Language")
		next.ServeHTTP(w, r.WithContext(i18n.WithLocale(r.Context(), i18n.For(browserLanguage(r)))))
	})
}

// browserLanguage is the language a browser chose or asks for.
func browserLanguage(r *http.Request) string {
	if tag, ok := chosenLanguage(r); ok {
		return tag
	}
	return i18n.Match(r.Header.Get("Accept-Language"))
}

// chosenLanguage is the language this browser chose with the switch, if any.
func chosenLanguage(r *http.Request) (string, bool) {
	c, err := r.Cookie(languageCookie)
	if err != nil {
		return "", false
	}
	return i18n.Supported(c.Value)
}

// inLanguage returns r speaking tag.
func inLanguage(r *http.Request, tag string) *http.Request {
	return r.WithContext(i18n.WithLocale(r.Context(), i18n.For(tag)))
}

// tr is the message id in the request's language; args are pairs of a
// placeholder's name and its value.
func tr(r *http.Request, id string, args ...any) string {
	return i18n.From(r.Context()).T(id, args...)
}

// loc is the request's locale, for numbers, sizes, durations and times.
func loc(r *http.Request) *i18n.Locale { return i18n.From(r.Context()) }

// setLanguageCookie remembers tag for this browser.
func setLanguageCookie(w http.ResponseWriter, r *http.Request, tag string) {
	setCookie(w, r, languageCookie, tag, languageCookieAge)
}
