package templates

import (
	"context"
	"strings"

	"github.com/a-h/templ"
)

// The panel's own URLs. Views and handlers name a page by its path from the
// panel's root ("/sessions"); the panel may be served under a prefix
// (--base-path), which the panel's middleware puts in the request's context.
// Every link, form, asset, stream and redirect goes through URL or Path, so
// none can miss the prefix.

type basePathKey struct{}

// WithBasePath returns ctx for a panel served under base ("/ftp-sessions", or
// "" for the root).
func WithBasePath(ctx context.Context, base string) context.Context {
	return context.WithValue(ctx, basePathKey{}, base)
}

// BasePath is the prefix the panel is served under, "" for none.
func BasePath(ctx context.Context) string {
	base, _ := ctx.Value(basePathKey{}).(string)
	return base
}

// Path is the panel's path (from its root, "/sessions?login=bob") as the
// browser must ask for it. Anything not rooted at "/" is returned as it is.
func Path(ctx context.Context, path string) string {
	if !strings.HasPrefix(path, "/") || strings.HasPrefix(path, "//") {
		return path
	}
	return BasePath(ctx) + path
}

// URL is Path for an href, action or src.
func URL(ctx context.Context, path string) templ.SafeURL {
	return templ.URL(Path(ctx, path))
}
