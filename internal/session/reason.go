package session

import "slices"

// EndKind is why a session ended, without who ended it: one series in metrics,
// one choice in the history filter.
type EndKind string

// The ways a session can end. Each kind's text is how history shows it.
const (
	EndQuit          EndKind = "quit"
	EndIdleTimeout   EndKind = "idle timeout"
	EndClientDropped EndKind = "client dropped"
	EndLoginFailed   EndKind = "login failed"
	EndLoginTimeout  EndKind = "login timeout"
	EndBanned        EndKind = "banned"
	EndTooMany       EndKind = "too many sessions"
	// EndStoreUnavailable: the login could not be checked, the store being out of reach.
	EndStoreUnavailable EndKind = "store unavailable"
	EndPasswordChanged  EndKind = "password changed"
	EndAccountDisabled  EndKind = "account disabled"
	EndAccountDeleted   EndKind = "account deleted"
	EndDisconnected     EndKind = "disconnected" // by a panel or API user, named in EndReason.By
	EndServerShutdown   EndKind = "server shutdown"
)

var endKinds = []EndKind{EndQuit, EndIdleTimeout, EndClientDropped, EndLoginFailed, EndLoginTimeout,
	EndBanned, EndTooMany, EndStoreUnavailable, EndPasswordChanged, EndAccountDisabled, EndAccountDeleted, EndDisconnected,
	EndServerShutdown}

// EndKinds lists every kind of end, in the order the panel offers them. Metrics,
// the history filter and Totals each cover every kind on it.
func EndKinds() []EndKind { return slices.Clone(endKinds) }

// ValidEndKind reports whether k is one of EndKinds.
func ValidEndKind(k EndKind) bool { return slices.Contains(endKinds, k) }

// EndReason is why a session ended: its kind and, for a disconnect, who asked.
type EndReason struct {
	Kind EndKind
	By   string // the panel user who disconnected it; "" for every other kind
}

// String is the reason as history shows and stores it: "quit", or "KIND by WHO"
// such as "disconnected by alice". Empty while the session has not ended.
func (r EndReason) String() string {
	if r.By == "" {
		return string(r.Kind)
	}
	return string(r.Kind) + " by " + r.By
}
