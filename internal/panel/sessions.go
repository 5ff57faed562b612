package panel

import (
	"time"

	"github.com/ftppanel/ftppanel/internal/session"
)

// Sessions is where the panel reads and ends sessions: this node's own registry
// (Local), or the fleet's view of every node's sessions. The panel does not know
// whether a session is local. Errors are session.ErrNotFound for a session that
// is not there to act on, and *session.NodeError for a node that did not answer:
// what was asked of that node may not have happened.
type Sessions interface {
	Get(id string, scope session.Scope) (session.Snapshot, error)
	List(scope session.Scope, filter session.Filter) []session.Snapshot
	Page(scope session.Scope, page, size int) (rows []session.Snapshot, first int, sum session.Summary)
	// The disconnects tell each client message ("421 MESSAGE") unless it is "".
	Disconnect(id string, scope session.Scope, by, message string) (session.Snapshot, error)
	DisconnectIDs(ids []string, scope session.Scope, by, message string) ([]session.Snapshot, error)
	DisconnectMatching(scope session.Scope, filter session.Filter, by, message string) ([]session.Snapshot, error)
	// Throttle limits a session's transfers to bps bytes per second; 0 lifts
	// the limit. by is the acting panel user.
	Throttle(id string, scope session.Scope, by string, bps int64) (session.Snapshot, error)
	Watch() (<-chan struct{}, func())
	Traffic() []session.TrafficPoint
}

// Fleet tells the panel about the nodes of a fleet; nil for a single node.
type Fleet interface {
	// Nodes lists every node heard of, this one included, by name.
	Nodes() []session.NodeInfo
	// Unreachable reports since when the fleet's messaging has been out of
	// reach; zero while it is reachable.
	Unreachable() time.Time
}

// Local is a single node's Sessions: its own registry, which always answers.
type Local struct{ *session.Registry }

// DisconnectIDs implements Sessions.
func (l Local) DisconnectIDs(ids []string, scope session.Scope, by, message string) ([]session.Snapshot, error) {
	return l.Registry.DisconnectIDs(ids, scope, by, message), nil
}

// Throttle implements Sessions.
func (l Local) Throttle(id string, scope session.Scope, _ string, bps int64) (session.Snapshot, error) {
	return l.Registry.Throttle(id, scope, bps)
}

// DisconnectMatching implements Sessions.
func (l Local) DisconnectMatching(scope session.Scope, filter session.Filter, by, message string) ([]session.Snapshot, error) {
	return l.Registry.DisconnectMatching(scope, filter, by, message), nil
}
