package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ftppanel/ftppanel/internal/fleet"
)

// fleetToken is what the tests' NATS servers ask of their clients.
const fleetToken = "fleet-test-token"

// natsServer is a real NATS server run by the test process, as a fleet's own
// would run beside the nodes.
type natsServer struct {
	t         testing.TB
	cfg       fleet.ServerConfig
	srv       *fleet.Server
	stopped   bool
	clientURL string
}

// startNATS runs a NATS server with JetStream on a free loopback port.
func startNATS(t testing.TB) *natsServer {
	t.Helper()
	ns := &natsServer{t: t, cfg: fleet.ServerConfig{Listen: "127.0.0.1:" + strconv.Itoa(freePort(t)),
		Token: fleetToken, StoreDir: t.TempDir()}}
	ns.start()
	t.Cleanup(ns.stop)
	return ns
}

// startNATSCluster runs n NATS servers routed into one cluster; the URL lists
// every one of them, as each node's --nats-url would.
func startNATSCluster(t testing.TB, n int) ([]*natsServer, string) {
	t.Helper()
	var routes, urls []string
	servers := make([]*natsServer, n)
	for i := range n {
		cluster := "127.0.0.1:" + strconv.Itoa(freePort(t))
		routes = append(routes, "nats-route://"+cluster)
		servers[i] = &natsServer{t: t, cfg: fleet.ServerConfig{Listen: "127.0.0.1:" + strconv.Itoa(freePort(t)),
			Token: fleetToken, StoreDir: t.TempDir(), Name: "nats" + strconv.Itoa(i), ClusterName: "fleet",
			ClusterListen: cluster}}
	}
	done := make(chan struct{}, n)
	for _, s := range servers {
		s.cfg.Routes = routes
		urls = append(urls, "nats://"+fleetToken+"@"+s.cfg.Listen)
		go func() { // a server of a cluster waits for its routes
			defer func() { done <- struct{}{} }()
			s.start()
		}()
		t.Cleanup(s.stop)
	}
	for range n {
		<-done
	}
	return servers, strings.Join(urls, ",")
}

func (ns *natsServer) start() {
	srv, err := fleet.StartServer(ns.cfg)
	if err != nil {
		ns.t.Errorf("NATS server: %v", err)
		return
	}
	ns.srv, ns.stopped = srv, false
	ns.clientURL = "nats://" + fleetToken + "@" + srv.Addr()
}

func (ns *natsServer) stop() {
	if ns.srv != nil && !ns.stopped {
		ns.srv.Close()
		ns.stopped = true
	}
}

// freePort finds a free loopback port.
func freePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// fleetNode is a node of a fleet: the real binary in a process of its own, so
// that a test can kill it as a power cut would.
type fleetNode struct {
	*instance
	name   string
	bin    string
	args   []string
	env    []string // added to the test's environment
	cmd    *exec.Cmd
	exited chan error
}

// startNode runs "ftppanel serve --node NAME --nats-url URL" on a fresh data
// directory, and kills it when the test ends.
func startNode(t *testing.T, bin, name, natsURL string, extra ...string) *fleetNode {
	t.Helper()
	return startNodeOn(t, bin, name, natsURL, t.TempDir(), nil, extra...)
}

// startNodeOn is startNode on a given data directory, which other nodes may
// share, with env added to the node's environment.
func startNodeOn(t *testing.T, bin, name, natsURL, data string, env []string, extra ...string) *fleetNode {
	t.Helper()
	low := 40000 + 100*int(instances.Add(1)%10)
	n := &fleetNode{name: name, bin: bin, env: env, instance: &instance{t: t, data: data}}
	n.args = append([]string{"serve", "--data", n.data, "--node", name}, storeArgs(t, data)...)
	if natsURL != "" {
		n.args = append(n.args, "--nats-url", natsURL)
	}
	n.args = append(append(n.args, "--ftp-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0", "--passive-ports", fmt.Sprintf("%d-%d", low, low+99),
		"--max-sessions-per-ip", "0", "--failed-login-delay", "0s"), extra...)
	n.launch()
	t.Cleanup(n.kill)
	return n
}

// launch starts the process and waits until it listens.
func (n *fleetNode) launch() {
	t := n.t
	t.Helper()
	n.stdout, n.stderr = &syncBuffer{}, &syncBuffer{}
	n.cmd = exec.Command(n.bin, n.args...)
	n.cmd.Env = append(append(os.Environ(), costEnv+"=4"), n.env...)
	n.cmd.Stdout, n.cmd.Stderr = n.stdout, n.stderr
	if err := n.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	n.exited = make(chan error, 1)
	cmd, exited := n.cmd, n.exited
	go func() { exited <- cmd.Wait() }()
	var m []string
	waitFor(t, "node "+n.name+" to listen", func() bool {
		select {
		case err := <-exited:
			exited <- err
			t.Fatalf("node %s ended early: %v\nstderr:\n%s", n.name, err, n.stderr.String())
		default:
		}
		m = listenLine.FindStringSubmatch(n.stdout.String())
		return m != nil
	})
	n.ftpAddr, n.panelURL = m[1], m[2]
	if pw := regexp.MustCompile(`"admin" with password (\S+)`).FindStringSubmatch(n.stdout.String()); pw != nil {
		n.adminPW = pw[1]
	}
}

// signal sends sig to the node's process.
func (n *fleetNode) signal(sig syscall.Signal) {
	n.t.Helper()
	if err := n.cmd.Process.Signal(sig); err != nil {
		n.t.Fatalf("signal node %s: %v", n.name, err)
	}
	if sig == syscall.SIGSTOP {
		// The stop takes effect when the kernel gets to it, which on a loaded
		// machine may be after the test's next request: wait for it.
		stat := fmt.Sprintf("/proc/%d/stat", n.cmd.Process.Pid)
		waitFor(n.t, "node "+n.name+" to be stopped", func() bool {
			b, err := os.ReadFile(stat)
			fields := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
			return err == nil && len(fields) > 0 && fields[0] == "T"
		})
	}
}

// kill ends the node at once, as a power cut would; killing it twice is harmless.
func (n *fleetNode) kill() {
	if n.cmd == nil {
		return
	}
	n.cmd.Process.Signal(syscall.SIGCONT) // a stopped process dies only once it runs
	n.cmd.Process.Kill()
	select {
	case <-n.exited:
	case <-time.After(30 * time.Second):
		n.t.Errorf("node %s did not die", n.name)
	}
	n.cmd = nil
}

// restart starts the node again on its data directory.
func (n *fleetNode) restart() {
	n.t.Helper()
	n.kill()
	n.launch()
}

// nodeRows reads /nodes as an admin sees it: node name → its row's HTML.
func (b *browser) nodeRows() map[string]string {
	b.t.Helper()
	resp := b.get("/nodes")
	if resp.status != 200 {
		b.t.Fatalf("GET /nodes: status %d\n%s", resp.status, resp.body)
	}
	out := map[string]string{}
	for _, m := range nodeRowPattern.FindAllStringSubmatch(resp.body, -1) {
		out[m[1]] = m[2]
	}
	return out
}

var nodeRowPattern = regexp.MustCompile(`(?s)<tr data-node="([^"]+)"[^>]*>(.*?)</tr>`)

// sessionNodes reads /sessions (with query) as b sees it: session ID → the
// node its row names in data-node.
func (b *browser) sessionNodes(query string) map[string]string {
	b.t.Helper()
	resp := b.get("/sessions" + query)
	if resp.status != 200 {
		b.t.Fatalf("GET /sessions%s: status %d", query, resp.status)
	}
	out := map[string]string{}
	for _, m := range sessionNodePattern.FindAllStringSubmatch(resp.body, -1) {
		out[m[1]] = m[2]
	}
	return out
}

var sessionNodePattern = regexp.MustCompile(`<tr data-session-id="([A-Z2-7]{26})" data-node="([^"]*)"`)

// nodeState waits until /nodes shows node as state ("up" or "down").
func (b *browser) nodeState(node, state string) {
	b.t.Helper()
	waitFor(b.t, "node "+node+" to be "+state, func() bool {
		return strings.Contains(b.nodeRows()[node], ">"+state+"<")
	})
}

// execServe is "ftppanel serve" on dataDir with loopback addresses and extra
// flags, not yet started.
func execServe(ctx context.Context, bin, dataDir string, extra ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, bin, append([]string{"serve", "--data", dataDir, "--ftp-addr", "127.0.0.1:0",
		"--http-addr", "127.0.0.1:0", "--passive-ports", "31400-31409"}, extra...)...)
	cmd.Env = append(os.Environ(), costEnv+"=4")
	return cmd
}
