package panel

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/ftppanel/ftppanel/templates"
)

// The panel under a path prefix (--base-path), as a reverse proxy forwards it:
// the routes see paths from the panel's root, and every URL the panel sends is
// made by templates.Path, which reads the prefix from the request's context.

// CleanBasePath checks a --base-path and returns it without a trailing slash:
// "/ftp-sessions/" is "/ftp-sessions", and "" or "/" mean none.
func CleanBasePath(p string) (string, error) {
	p = strings.TrimRight(p, "/")
	if p == "" {
		return "", nil
	}
	if !strings.HasPrefix(p, "/") {
		return "", fmt.Errorf("%q must start with /, as in /ftp-sessions", p)
	}
	for _, seg := range strings.Split(p[1:], "/") {
		if seg == "" || seg == "." || seg == ".." {
			return "", fmt.Errorf("%q has an empty, . or .. segment", p)
		}
		for _, c := range seg {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("-._~", c)) {
				return "", fmt.Errorf("%q: use letters, digits, -, ., _ and ~ between the slashes", p)
			}
		}
	}
	return p, nil
}

// underBasePath serves the panel under its base path: the routes see paths
// without it, and the request's context carries it for the URLs the panel
// sends. Anything outside the prefix is not the panel's.
func (p *Panel) underBasePath(next http.Handler) http.Handler {
	if p.basePath == "" {
		return next
	}
	strip := http.StripPrefix(p.basePath, next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r = r.WithContext(templates.WithBasePath(r.Context(), p.basePath))
		switch {
		case r.URL.Path == p.basePath:
			seeOther(w, r, "/")
		case strings.HasPrefix(r.URL.Path, p.basePath+"/"):
			strip.ServeHTTP(w, r)
		default:
			p.showError(w, r, http.StatusNotFound, tr(r, "PageNotFound"), tr(r, "PanelIsAt", "Path", p.basePath+"/"))
		}
	})
}
