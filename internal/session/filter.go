package session

import (
	"errors"
	"net/netip"
	"strings"
)

// Filter narrows a list of sessions; empty fields match everything. Login,
// customer and IP match by substring, so "bo" finds bob, except that an IP that
// is an address or a CIDR range (203.0.113.7, 203.0.113.0/24) matches the
// addresses within it, so 10.0.0.1 leaves 10.0.0.10 alone; ExactLogin, ExactIP
// and State match exactly, so "all of bob" leaves bobby alone.
type Filter struct {
	Login      string
	ExactLogin string
	Customer   string
	IP         string
	ExactIP    string
	State      State
	Node       string // exact: the node holding the session
}

// Match reports whether a session passes the filter.
func (f Filter) Match(s Snapshot) bool {
	return strings.Contains(s.Login, f.Login) &&
		(f.ExactLogin == "" || s.Login == f.ExactLogin) &&
		(f.ExactIP == "" || s.RemoteIP == f.ExactIP) &&
		strings.Contains(s.Customer, f.Customer) &&
		matchIP(s.RemoteIP, f.IP) &&
		(f.State == "" || s.State == f.State) &&
		(f.Node == "" || s.Node == f.Node)
}

// ValidState reports whether st is one of the states a session can be in.
func ValidState(st State) bool {
	switch st {
	case StateNotLoggedIn, StateIdle, StateUploading, StateDownloading, StateListing:
		return true
	}
	return false
}

func matchIP(ip, filter string) bool {
	if network, err := ParseNetwork(filter); err == nil {
		addr, err := netip.ParseAddr(ip)
		return err == nil && network.Contains(addr.Unmap())
	}
	return strings.Contains(ip, filter)
}

// ParseNetwork reads an address (203.0.113.7, 2001:db8::1) as the range of that
// one address, or a CIDR range (203.0.113.0/24); host bits of a range are
// ignored, and IPv4-mapped IPv6 addresses count as IPv4.
func ParseNetwork(text string) (netip.Prefix, error) {
	if strings.Contains(text, "/") {
		p, err := netip.ParsePrefix(text)
		if err != nil || p.Addr().Zone() != "" {
			return netip.Prefix{}, errNotNetwork
		}
		if p.Addr().Is4In6() && p.Bits() >= 96 {
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
		}
		return p.Masked(), nil
	}
	addr, err := netip.ParseAddr(text)
	if err != nil || addr.Zone() != "" {
		return netip.Prefix{}, errNotNetwork
	}
	addr = addr.Unmap()
	return netip.PrefixFrom(addr, addr.BitLen()), nil
}

var errNotNetwork = errors.New("not an IP address or a CIDR range such as 203.0.113.0/24")
