package panel

import (
	"fmt"
	"net/url"
	"strings"
)

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
