package panel

import (
	"slices"
	"testing"
)

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
