package session

import (
	"slices"
	"strings"
	"unicode"
)

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
	// EndMaintenance: a login refused, or a session ended at the deadline, while
	// the server is in maintenance.
	EndMaintenance EndKind = "maintenance"
	// EndStalled: a transfer moved no byte for the server's stall timeout.
	EndStalled EndKind = "stalled"
	// EndNoTransfer: logged in without a transfer for the server's no-transfer timeout.
	EndNoTransfer EndKind = "no transfer"
)

var endKinds = []EndKind{EndQuit, EndIdleTimeout, EndClientDropped, EndLoginFailed, EndLoginTimeout,
	EndBanned, EndTooMany, EndStoreUnavailable, EndPasswordChanged, EndAccountDisabled, EndAccountDeleted, EndDisconnected,
	EndServerShutdown, EndStalled, EndNoTransfer, EndMaintenance}

// EndKinds lists every kind of end, in the order the panel offers them. Metrics,
// the history filter and Totals each cover every kind on it.
func EndKinds() []EndKind { return slices.Clone(endKinds) }

// ValidEndKind reports whether k is one of EndKinds.
func ValidEndKind(k EndKind) bool { return slices.Contains(endKinds, k) }

// EndReason is why a session ended: its kind and, for a disconnect, who asked
// and what they told the client.
type EndReason struct {
	Kind EndKind
	By   string // the panel user who disconnected it; "" for every other kind
	// Message is what the FTP client is told (as "421 MESSAGE") before the close,
	// already cleaned by CleanMessage; "" for none.
	Message string
}

// String is the reason as history shows and stores it: "quit", "KIND by WHO"
// such as "disconnected by alice", or with a message "disconnected by alice:
// MESSAGE". Empty while the session has not ended.
func (r EndReason) String() string {
	text := string(r.Kind)
	if r.By != "" {
		text += " by " + r.By
	}
	if r.Message != "" {
		text += ": " + r.Message
	}
	return text
}

// MaxMessageLen is the longest message to a disconnected client, in characters.
const MaxMessageLen = 200

// CleanMessage makes text fit to be sent on one FTP reply line: control
// characters (CR and LF included), line separators and invisible or
// bidirectional format characters become spaces, runs of spaces become one,
// bytes that are not UTF-8 are dropped, and the result is trimmed and cut to
// MaxMessageLen characters. So a message can never add a reply line of its own.
func CleanMessage(text string) string {
	var b strings.Builder
	n := 0
	space := false
	for _, r := range strings.ToValidUTF8(text, "") {
		if hidden(r) || unicode.IsSpace(r) {
			space = n > 0
			continue
		}
		if space && n+2 > MaxMessageLen || n+1 > MaxMessageLen {
			break
		}
		if space {
			b.WriteByte(' ')
			n++
			space = false
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}
