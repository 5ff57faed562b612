package fleet

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// ServerConfig is a NATS server run inside this node (--nats-listen), so that a
// small fleet needs no other program. It is one server: while this node is
// down, the fleet has no messaging.
type ServerConfig struct {
	Listen   string // HOST:PORT that other nodes connect to
	Token    string // every client must present it
	StoreDir string // where JetStream keeps the fleet's bans

	// A server of a cluster has a Name, listens for its peers at ClusterListen
	// (HOST:PORT) and routes to the others at Routes (nats-route://HOST:PORT);
	// every server of the cluster has the same ClusterName.
	Name          string
	ClusterName   string
	ClusterListen string
	Routes        []string
}

// Server is a running in-process NATS server.
type Server struct{ ns *server.Server }

// StartServer starts a NATS server with JetStream and waits until it takes
// connections.
func StartServer(cfg ServerConfig) (*Server, error) {
	if cfg.Token == "" {
		return nil, errors.New("an in-process NATS server needs a token")
	}
	host, port, err := net.SplitHostPort(cfg.Listen)
	if err != nil {
		return nil, fmt.Errorf("--nats-listen: %w", err)
	}
	p, err := strconv.Atoi(port)
	if err != nil {
		return nil, fmt.Errorf("--nats-listen: port %q is not a number", port)
	}
	if p == 0 {
		p = server.RANDOM_PORT // to the NATS server, 0 is its default port
	}
	opts := &server.Options{
		ServerName: cfg.Name,
		Host:       host, Port: p,
		Authorization: cfg.Token,
		JetStream:     true,
		StoreDir:      cfg.StoreDir,
		NoSigs:        true,
		NoLog:         true,
	}
	if cfg.ClusterListen != "" {
		chost, cport, err := net.SplitHostPort(cfg.ClusterListen)
		if err != nil {
			return nil, fmt.Errorf("NATS cluster address: %w", err)
		}
		opts.Cluster.Name, opts.Cluster.Host = cfg.ClusterName, chost
		if opts.Cluster.Port, err = strconv.Atoi(cport); err != nil {
			return nil, fmt.Errorf("NATS cluster address: port %q is not a number", cport)
		}
		opts.Routes = server.RoutesFromStr(strings.Join(cfg.Routes, ","))
	}
	ns, err := server.NewServer(opts)
	if err != nil {
		return nil, fmt.Errorf("NATS server: %w", err)
	}
	go ns.Start()
	if !ns.ReadyForConnections(30 * time.Second) {
		ns.Shutdown()
		ns.WaitForShutdown()
		return nil, fmt.Errorf("NATS server: not listening on %s within 30s (is the address taken?)", cfg.Listen)
	}
	return &Server{ns: ns}, nil
}

// Addr is the address the server listens on.
func (s *Server) Addr() string { return s.ns.Addr().String() }

// Close stops the server and waits until it has stopped.
func (s *Server) Close() {
	s.ns.Shutdown()
	s.ns.WaitForShutdown()
}

// ClientTraffic is what a NATS server has carried for one client connection
// since it connected: messages and their payload bytes, in from the client and
// out to it.
type ClientTraffic struct {
	InMsgs, OutMsgs   int64
	InBytes, OutBytes int64
}

// Clients is the server's open client connections' traffic by connection
// name; a node's connection is named "ftppanel NODE".
func (s *Server) Clients() (map[string]ClientTraffic, error) {
	cz, err := s.ns.Connz(&server.ConnzOptions{Limit: 10_000})
	if err != nil {
		return nil, err
	}
	out := make(map[string]ClientTraffic, len(cz.Conns))
	for _, c := range cz.Conns {
		t := out[c.Name]
		t.InMsgs += c.InMsgs
		t.OutMsgs += c.OutMsgs
		t.InBytes += c.InBytes
		t.OutBytes += c.OutBytes
		out[c.Name] = t
	}
	return out, nil
}
