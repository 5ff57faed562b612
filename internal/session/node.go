package session

import (
	"fmt"
	"time"
)

// NodeError says that the node holding sessions did not answer: a command may
// not have reached it, so nothing it asked for can be reported as done.
type NodeError struct{ Node string }

func (e *NodeError) Error() string { return fmt.Sprintf("node %s did not answer", e.Node) }

// NodeInfo describes one node of a fleet as last heard.
type NodeInfo struct {
	Name      string
	Version   string
	UpSince   time.Time
	LastHeard time.Time
	Sessions  int
	Transfers int
	Rate      float64 // bytes per second, all its sessions together
	Up        bool    // heard from recently enough to be counted on
	Self      bool    // the node answering
}
