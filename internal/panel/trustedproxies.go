package panel

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// The panel behind a reverse proxy and inside a host's control panel: served
// under a path prefix (--base-path), believing X-Forwarded-For, X-Forwarded-Proto
// and X-Forwarded-Host only from trusted proxies (--trusted-proxies).

// requestInfo is what the panel knows of a request beyond what net/http says.
type requestInfo struct {
	https    bool   // the browser's connection is HTTPS, maybe ended at a trusted proxy
	host     string // the host the browser asked for, maybe as a trusted proxy says
	basePath string // the prefix the panel is served under, "" for none
}

type requestInfoKey struct{}

func infoOf(r *http.Request) requestInfo {
	ri, _ := r.Context().Value(requestInfoKey{}).(requestInfo)
	return ri
}

// isHTTPS reports whether the browser reached the panel over HTTPS, so that its
// cookies are Secure.
func isHTTPS(r *http.Request) bool { return r.TLS != nil || infoOf(r).https }

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

// ParseTrustedProxies reads a comma-separated list of addresses and CIDR
// ranges: "127.0.0.1, 10.0.0.0/8, ::1".
func ParseTrustedProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		if addr, err := netip.ParseAddr(item); err == nil {
			addr = addr.Unmap()
			out = append(out, netip.PrefixFrom(addr, addr.BitLen()))
			continue
		}
		prefix, err := netip.ParsePrefix(item)
		if err != nil {
			return nil, fmt.Errorf("%q is not an IP address or a CIDR range such as 10.0.0.0/8", item)
		}
		out = append(out, prefix.Masked())
	}
	return out, nil
}

// trustedProxy reports whether a connection from addr comes from a trusted proxy.
func (p *Panel) trustedProxy(addr netip.Addr) bool {
	for _, prefix := range p.trustedProxies {
		if prefix.Contains(addr.Unmap()) {
			return true
		}
	}
	return false
}

// behindProxy takes the client's address, scheme and host from a trusted proxy's
// X-Forwarded-For, X-Forwarded-Proto and X-Forwarded-Host, and drops those
// headers from anyone else, so that nothing after it can be fooled by them.
func (p *Panel) behindProxy(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ri := requestInfo{basePath: p.basePath, host: r.Host}
		client := r.RemoteAddr
		if remote, ok := remoteAddr(r); ok && p.trustedProxy(remote) {
			if addr, ok := p.forwardedFor(r.Header.Values("X-Forwarded-For")); ok {
				client = addr.String()
			}
			if proto := lastValue(r.Header.Values("X-Forwarded-Proto")); proto != "" {
				ri.https = strings.EqualFold(proto, "https")
			}
			if host := lastValue(r.Header.Values("X-Forwarded-Host")); validHost(host) {
				ri.host = host
			}
		}
		r = r.Clone(context.WithValue(r.Context(), requestInfoKey{}, ri))
		r.RemoteAddr = client
		r.Header.Del("X-Forwarded-For")
		r.Header.Del("X-Forwarded-Proto")
		r.Header.Del("X-Forwarded-Host")
		next.ServeHTTP(w, r)
	})
}

func remoteAddr(r *http.Request) (netip.Addr, bool) {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return netip.Addr{}, false
	}
	return ap.Addr().Unmap(), true
}

// forwardedFor finds the client in X-Forwarded-For: the rightmost address that
// is not a trusted proxy, since each proxy appends the address it saw and only
// trusted ones are believed.
func (p *Panel) forwardedFor(values []string) (netip.Addr, bool) {
	var hops []string
	for _, v := range values {
		hops = append(hops, strings.Split(v, ",")...)
	}
	var client netip.Addr
	for i := len(hops) - 1; i >= 0; i-- {
		addr, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break // what lies further left is not to be believed either
		}
		client = addr.Unmap()
		if !p.trustedProxy(client) {
			break
		}
	}
	return client, client.IsValid()
}

// validHost reports whether host is a host name or address with an optional
// port, and nothing more, so that it can stand in a URL.
func validHost(host string) bool {
	if host == "" || strings.ContainsAny(host, "/\\?#@ \t") {
		return false
	}
	u, err := url.Parse("http://" + host)
	return err == nil && u.Host == host && u.Hostname() != ""
}

// ParsePublicURL checks a --public-url: an http or https address with a host and
// perhaps the base path, and nothing else. It returns it without a trailing slash.
func ParsePublicURL(s string) (string, error) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || !validHost(u.Host) ||
		u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return "", fmt.Errorf("%q: want the panel's address as browsers reach it, such as https://host.example.com/ftp-sessions", s)
	}
	return strings.TrimRight(s, "/"), nil
}

// lastValue is the last item of a header that may list several: what the
// nearest proxy said.
func lastValue(values []string) string {
	if len(values) == 0 {
		return ""
	}
	items := strings.Split(values[len(values)-1], ",")
	return strings.TrimSpace(items[len(items)-1])
}

// underBasePath serves the panel under its base path: the routes see paths
// without it, and redirects get it back. Anything outside the prefix is not
// the panel's.
func (p *Panel) underBasePath(next http.Handler) http.Handler {
	if p.basePath == "" {
		return next
	}
	strip := http.StripPrefix(p.basePath, next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == p.basePath:
			http.Redirect(w, r, p.basePath+"/", http.StatusSeeOther)
		case strings.HasPrefix(r.URL.Path, p.basePath+"/"):
			strip.ServeHTTP(&baseLocation{ResponseWriter: w, base: p.basePath}, r)
		default:
			p.showError(w, r, http.StatusNotFound, "Page not found",
				"There is no page at this address. The panel is at "+p.basePath+"/.")
		}
	})
}

// baseLocation puts the base path in front of the panel's redirects, which
// name paths from the panel's root.
type baseLocation struct {
	http.ResponseWriter
	base string
}

func (w *baseLocation) WriteHeader(code int) {
	if loc := w.Header().Get("Location"); strings.HasPrefix(loc, "/") && !strings.HasPrefix(loc, "//") {
		w.Header().Set("Location", w.base+loc)
	}
	w.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the connection, for the live
// stream's deadlines and flushes.
func (w *baseLocation) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// rootLink is an attribute of a page that names a path from the panel's root:
// the pages are written as if the panel were at /, and get the base path as
// they are sent. Text and other attributes cannot match, as templ escapes
// their quotes.
var rootLink = regexp.MustCompile(`(\s(?:href|action|src|formaction|data-live-url)="|\scontent="\d+;url=)/([^/])`)

// withBasePath puts the base path in front of a rendered page's links.
func (p *Panel) withBasePath(html []byte) []byte {
	if p.basePath == "" {
		return html
	}
	return rootLink.ReplaceAll(html, []byte("${1}"+p.basePath+"/${2}"))
}

// ParseFrameAncestors checks a --frame-ancestors source list: 'none', 'self'
// and origins such as https://panel.example.com or https://*.example.com:2083.
func ParseFrameAncestors(s string) ([]string, error) {
	sources := strings.Fields(s)
	if len(sources) == 0 {
		return nil, errors.New("give 'none', 'self' or origins such as https://panel.example.com")
	}
	for _, src := range sources {
		switch src {
		case "'none'":
			if len(sources) > 1 {
				return nil, errors.New("'none' cannot be combined with other sources")
			}
			continue
		case "'self'":
			continue
		}
		u, err := url.Parse(src)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" ||
			(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.User != nil ||
			strings.ContainsAny(src, ";,'\" ") {
			return nil, fmt.Errorf("%q is not 'self' or an origin such as https://panel.example.com", src)
		}
		host := strings.TrimPrefix(u.Hostname(), "*.")
		if host == "" || strings.Contains(host, "*") {
			return nil, fmt.Errorf("%q: a wildcard may only start the host, as in https://*.example.com", src)
		}
		if port := u.Port(); port != "" {
			if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
				return nil, fmt.Errorf("%q has a bad port", src)
			}
		}
	}
	return sources, nil
}
