package main

import (
	"net/netip"
	"strings"

	"github.com/ftppanel/ftppanel/internal/panel"
)

// The options for running behind a reverse proxy and inside a host's control
// panel; each checks its value as it is set, from wherever it comes.

// basePathFlag is --base-path: the prefix the panel is served under.
type basePathFlag struct{ path string }

func (f *basePathFlag) String() string { return f.path }

func (f *basePathFlag) Set(s string) error {
	p, err := panel.CleanBasePath(s)
	if err != nil {
		return err
	}
	f.path = p
	return nil
}

// proxiesFlag is --trusted-proxies: addresses and CIDR ranges, comma-separated.
type proxiesFlag struct{ prefixes []netip.Prefix }

func (f *proxiesFlag) String() string {
	items := make([]string, len(f.prefixes))
	for i, p := range f.prefixes {
		items[i] = p.String()
	}
	return strings.Join(items, ",")
}

func (f *proxiesFlag) Set(s string) error {
	prefixes, err := panel.ParseTrustedProxies(s)
	if err != nil {
		return err
	}
	f.prefixes = prefixes
	return nil
}

func (f *proxiesFlag) separator() string { return "," }

// publicURLFlag is --public-url: the panel's address as browsers reach it.
type publicURLFlag struct{ url string }

func (f *publicURLFlag) String() string { return f.url }

func (f *publicURLFlag) Set(s string) error {
	if s == "" {
		f.url = "" // links follow the request, as without the option
		return nil
	}
	u, err := panel.ParsePublicURL(s)
	if err != nil {
		return err
	}
	f.url = u
	return nil
}

// frameAncestorsFlag is --frame-ancestors: who may show the panel in a frame,
// as a Content-Security-Policy source list.
type frameAncestorsFlag struct{ sources []string }

func (f *frameAncestorsFlag) String() string {
	if len(f.sources) == 0 {
		return "'none'"
	}
	return strings.Join(f.sources, " ")
}

func (f *frameAncestorsFlag) Set(s string) error {
	sources, err := panel.ParseFrameAncestors(s)
	if err != nil {
		return err
	}
	f.sources = sources
	return nil
}

func (f *frameAncestorsFlag) separator() string { return " " }
