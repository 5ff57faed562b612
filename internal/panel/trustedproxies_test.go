package panel

import (
	"net/http"
	"net/http/httptest"
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
