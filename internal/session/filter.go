package session

import (
	"strings"
)

// Filter narrows a list of sessions; empty fields match everything. Login,
// customer and IP match by substring, so "bo" finds bob; ExactLogin, ExactIP
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
		strings.Contains(s.RemoteIP, f.IP) &&
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
