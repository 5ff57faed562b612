package panel

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

func TestBehindProxy(t *testing.T) {
	trusted, err := ParseTrustedProxies("127.0.0.1, 10.0.0.0/8, ::1")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, remote, forwardedFor, proto string
		trusted                           bool // whether the panel trusts any proxy
		wantClient                        string
		wantHTTPS                         bool
	}{
		{"from a trusted proxy", "127.0.0.1:5000", "203.0.113.7", "https", true, "203.0.113.7", true},
		{"over IPv6 from a trusted proxy", "[::1]:5000", "2001:db8::7", "http", true, "2001:db8::7", false},
		{"through two trusted proxies", "127.0.0.1:5000", "203.0.113.7, 10.1.2.3", "https", true, "203.0.113.7", true},
		{"a forged hop left of the client", "127.0.0.1:5000", "198.51.100.1, 203.0.113.7", "https", true, "203.0.113.7", true},
		{"garbage before the client", "127.0.0.1:5000", "not-an-ip, 203.0.113.7", "", true, "203.0.113.7", false},
		{"garbage right of the proxy", "127.0.0.1:5000", "203.0.113.7, nonsense", "", true, "127.0.0.1:5000", false},
		{"from an untrusted address", "192.0.2.9:5000", "203.0.113.7", "https", true, "192.0.2.9:5000", false},
		{"with no trusted proxy", "127.0.0.1:5000", "203.0.113.7", "https", false, "127.0.0.1:5000", false},
		{"without the headers", "127.0.0.1:5000", "", "", true, "127.0.0.1:5000", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := &Panel{}
			if tc.trusted {
				p.trustedProxies = trusted
			}
			var got *http.Request
			h := p.behindProxy(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = r }))
			req := httptest.NewRequest(http.MethodGet, "/sessions", nil)
			req.RemoteAddr = tc.remote
			if tc.forwardedFor != "" {
				req.Header.Set("X-Forwarded-For", tc.forwardedFor)
			}
			if tc.proto != "" {
				req.Header.Set("X-Forwarded-Proto", tc.proto)
			}
			h.ServeHTTP(httptest.NewRecorder(), req)
			if got.RemoteAddr != tc.wantClient {
				t.Errorf("client %q, want %q", got.RemoteAddr, tc.wantClient)
			}
			if isHTTPS(got) != tc.wantHTTPS {
				t.Errorf("HTTPS %v, want %v", isHTTPS(got), tc.wantHTTPS)
			}
			// Nothing after the middleware can read the headers again.
			if got.Header.Get("X-Forwarded-For") != "" || got.Header.Get("X-Forwarded-Proto") != "" {
				t.Error("the forwarded headers were passed on")
			}
		})
	}
}

func TestParseTrustedProxiesRefuses(t *testing.T) {
	for _, bad := range []string{"localhost", "10.0.0.0/33", "10.0.0.1/8/1", "300.1.1.1"} {
		if _, err := ParseTrustedProxies(bad); err == nil || !strings.Contains(err.Error(), bad) {
			t.Errorf("ParseTrustedProxies(%q) = %v, want an error naming it", bad, err)
		}
	}
}

func TestCleanBasePath(t *testing.T) {
	for in, want := range map[string]string{"": "", "/": "", "/ftp-sessions": "/ftp-sessions", "/ftp-sessions/": "/ftp-sessions", "/a/b_c.d~e": "/a/b_c.d~e"} {
		if got, err := CleanBasePath(in); err != nil || got != want {
			t.Errorf("CleanBasePath(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"ftp", "/a//b", "/a/../b", "/a b", "/a?b", "/a#b", "/%2e", `/"x`} {
		if got, err := CleanBasePath(bad); err == nil {
			t.Errorf("CleanBasePath(%q) = %q, want an error", bad, got)
		}
	}
}

func TestParseFrameAncestors(t *testing.T) {
	for in, want := range map[string][]string{
		"'none'":                                 {"'none'"},
		"'self'":                                 {"'self'"},
		"'self'   https://panel.example.com":     {"'self'", "https://panel.example.com"},
		"https://*.example.com:2083 http://a.b/": {"https://*.example.com:2083", "http://a.b/"},
	} {
		if got, err := ParseFrameAncestors(in); err != nil || !slices.Equal(got, want) {
			t.Errorf("ParseFrameAncestors(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "'none' 'self'", "*", "panel.example.com", "https://x.example.com; script-src *",
		"https://x.example.com/path", "javascript:alert(1)", "https://a.*.com", "'unsafe-inline'", "https://x:99999"} {
		if got, err := ParseFrameAncestors(bad); err == nil {
			t.Errorf("ParseFrameAncestors(%q) = %q, want an error", bad, got)
		}
	}
}

func TestWithBasePath(t *testing.T) {
	p := &Panel{basePath: "/ftp-sessions"}
	page := `<a href="/sessions">x</a><form action="/logout"></form><script src="/static/app.js"></script>` +
		`<div data-live-url="/sessions/live?x=1"></div><meta content="0;url=/sessions"/>` +
		`<a href="#main">skip</a><a href="//elsewhere.example/x">y</a><a href="https://example.com/">z</a>` +
		`<p>see href=&#34;/sessions&#34; and a;url=/x in text</p>`
	want := `<a href="/ftp-sessions/sessions">x</a><form action="/ftp-sessions/logout"></form><script src="/ftp-sessions/static/app.js"></script>` +
		`<div data-live-url="/ftp-sessions/sessions/live?x=1"></div><meta content="0;url=/ftp-sessions/sessions"/>` +
		`<a href="#main">skip</a><a href="//elsewhere.example/x">y</a><a href="https://example.com/">z</a>` +
		`<p>see href=&#34;/sessions&#34; and a;url=/x in text</p>`
	if got := string(p.withBasePath([]byte(page))); got != want {
		t.Errorf("withBasePath:\n got %s\nwant %s", got, want)
	}
}
