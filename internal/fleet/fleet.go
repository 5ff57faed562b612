// Package fleet makes ftppanel nodes one fleet over NATS: each node publishes
// what it holds, answers commands for its own sessions and keeps the fleet's
// bans, and View shows every node's sessions behind the panel's Sessions
// interface. It is the only package that imports NATS. A node's own FTP
// sessions never wait on it: when NATS is out of reach, the node goes on
// serving and its panel shows its own sessions.
//
// Subjects (node names are validated names; the dots they may hold are sent as
// '~', which no name contains):
//
//	ftppanel.v1.node.NODE.info       a node's heartbeat: every second and on change
//	ftppanel.v1.node.NODE.req.OP     requests to one node: hello, page, list, get, disconnect
//	$KV.ftppanel_bans.ADDRESS        the fleet's bans: a JetStream key-value bucket,
//	                                 an IPv6 address's ':' sent as '_' (bans.go)
package fleet

import (
	"fmt"
	"log/slog"
	"strings"

	"github.com/ftppanel/ftppanel/internal/session"
	"github.com/ftppanel/ftppanel/internal/store"
)

// Config is what a node needs to join a fleet.
type Config struct {
	// URLs are the NATS servers to connect to; a user and password or a token
	// in a URL is used to sign in.
	URLs []string
	// Node is this node's name, unique in the fleet (store.ValidateName's rule).
	Node string
	// CredsFile is a NATS credentials file to sign in with; optional.
	CredsFile string
	// CAFile is a private CA that NATS servers' TLS certificates are checked
	// against; optional.
	CAFile string
	// Token signs in to servers whose URLs carry none (this node's own server).
	Token string
	// Server, when set, is a NATS server running in this process: the node
	// connects to it without a socket, and URLs may be empty.
	Server *Server
	// Version is this node's ftppanel version, shown on the nodes page.
	Version string

	Registry *session.Registry
	// Store, when set, is this node's copy of the fleet's bans: bans made on
	// this node go to the fleet, and the fleet's come here (see bans.go).
	Store *store.DB
	// EndBanned ends this node's sessions from an address banned on another
	// node, telling each client why (ftpd.Server.EndBanned). When nil, the
	// registry ends them without a word to the client.
	EndBanned func(ip string) int
	Logger    *slog.Logger
}

// subjectPrefix starts every subject the fleet uses.
const subjectPrefix = "ftppanel.v1."

// nodeToken is a node's name as one subject token.
func nodeToken(name string) string { return strings.ReplaceAll(name, ".", "~") }

// nodeSubject is the subject of one of a node's messages or requests.
func nodeSubject(name, what string) string {
	return subjectPrefix + "node." + nodeToken(name) + "." + what
}

// CheckNode checks a node name.
func CheckNode(name string) error {
	if err := store.ValidateName("node", name); err != nil {
		return fmt.Errorf("--node: %w", err)
	}
	return nil
}
