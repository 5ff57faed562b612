package panel

import (
	"context"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
)

// The panel behind a reverse proxy: it believes X-Forwarded-For,
// X-Forwarded-Proto and X-Forwarded-Host only from trusted proxies
// (--trusted-proxies).

// requestInfo is what the panel knows of a request beyond what net/http says.
type requestInfo struct {
	https bool   // the browser's connection is HTTPS, maybe ended at a trusted proxy
	host  string // the host the browser asked for, maybe as a trusted proxy says
}

type requestInfoKey struct{}

func infoOf(r *http.Request) requestInfo {
	ri, _ := r.Context().Value(requestInfoKey{}).(requestInfo)
	return ri
}

// isHTTPS reports whether the browser reached the panel over HTTPS, so that its
// cookies are Secure.
func isHTTPS(r *http.Request) bool { return r.TLS != nil || infoOf(r).https }

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
		ri := requestInfo{host: r.Host}
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

// lastValue is the last item of a header that may list several: what the
// nearest proxy said.
func lastValue(values []string) string {
	if len(values) == 0 {
		return ""
	}
	items := strings.Split(values[len(values)-1], ",")
	return strings.TrimSpace(items[len(items)-1])
}
