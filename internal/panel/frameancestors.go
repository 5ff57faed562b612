package panel

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// The panel inside a host's control panel: which sites may show it in a frame
// (--frame-ancestors); securityHeaders sends the list.

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
