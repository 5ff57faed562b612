package fleet

import (
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// deployNATSConf is the three-server cluster's config that README shows.
const deployNATSConf = "../../deploy/nats.conf"

// deploy/nats.conf is what nats-server reads: JetStream on disk, a token for
// clients, a cluster with a password for routes and a route to each of the
// three servers.
func TestDeployNATSConfParses(t *testing.T) {
	t.Parallel()
	opts, err := server.ProcessConfigFile(deployNATSConf)
	if err != nil {
		t.Fatalf("nats-server does not take deploy/nats.conf: %v", err)
	}
	if !opts.JetStream || opts.StoreDir == "" {
		t.Errorf("JetStream %v, store %q: want it on, on disk", opts.JetStream, opts.StoreDir)
	}
	if opts.Authorization == "" || opts.Port != 4222 {
		t.Errorf("clients: token %q on port %d; want a token, on 4222", opts.Authorization, opts.Port)
	}
	c := opts.Cluster
	if c.Name != "ftppanel" || c.Port != 6222 || c.Username == "" || c.Password == "" {
		t.Errorf("cluster %q on port %d, route user %q: want ftppanel, on 6222, with a user and password", c.Name, c.Port, c.Username)
	}
	var hosts []string
	for _, r := range opts.Routes {
		hosts = append(hosts, r.Host)
		if pw, _ := r.User.Password(); r.User.Username() != c.Username || pw != c.Password {
			t.Errorf("the route to %s does not sign in as the cluster's routes must", r.Host)
		}
	}
	if want := "nats1.example.com:6222 nats2.example.com:6222 nats3.example.com:6222"; strings.Join(hosts, " ") != want {
		t.Errorf("routes to %v, want %s", hosts, want)
	}
}

// README's way of trying the cluster on one machine: each server runs a copy of
// deploy/nats.conf with its own store (sed replaces /var/lib/nats), and its own
// name and ports on the command line. They form one cluster; only a client with the file's token connects;
// the bans' bucket (per-key TTLs, three replicas) is made and a ban in it
// outlives the server its client was connected to.
func TestDeployNATSConfRunsThreeServers(t *testing.T) {
	t.Parallel()
	clusterPorts := freePorts(t, 3)
	var routes []string
	for _, p := range clusterPorts {
		routes = append(routes, "nats://127.0.0.1:"+strconv.Itoa(p))
	}
	conf, err := os.ReadFile(deployNATSConf)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(conf), "/var/lib/nats"); n != 1 {
		t.Fatalf("deploy/nats.conf names /var/lib/nats %d times; README's sed replaces it as the store", n)
	}
	var servers []*server.Server
	var clientURLs []string
	var token string
	for i, port := range clusterPorts {
		name := "nats" + strconv.Itoa(i+1)
		dir := t.TempDir()
		copied := filepath.Join(dir, name+".conf")
		store := strings.ReplaceAll(string(conf), "/var/lib/nats", filepath.Join(dir, "store"))
		if err := os.WriteFile(copied, []byte(store), 0o600); err != nil {
			t.Fatal(err)
		}
		fs := flag.NewFlagSet("nats-server", flag.ContinueOnError)
		opts, err := server.ConfigureOptions(fs, []string{
			"-c", copied, "--name", name, "-a", "127.0.0.1", "-p", "-1",
			"--cluster", "nats://127.0.0.1:" + strconv.Itoa(port), "--routes", strings.Join(routes, ","),
		}, func() {}, func() {}, func() {})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		opts.NoSigs, opts.NoLog = true, true
		ns, err := server.NewServer(opts)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		go ns.Start()
		t.Cleanup(func() {
			ns.Shutdown()
			ns.WaitForShutdown()
		})
		if !ns.ReadyForConnections(10 * time.Second) {
			t.Fatalf("%s does not take connections", name)
		}
		servers = append(servers, ns)
		clientURLs = append(clientURLs, ns.ClientURL())
		token = opts.Authorization
	}
	confPoll(t, "the three servers to route to each other", func() error {
		for _, ns := range servers {
			if n := ns.NumRemotes(); n != 2 {
				return errors.New(ns.Name() + " routes to " + strconv.Itoa(n) + " servers")
			}
		}
		return nil
	})

	urls := strings.Join(clientURLs, ",")
	if nc, err := nats.Connect(urls, nats.MaxReconnects(0)); err == nil {
		nc.Close()
		t.Error("a client without the token connected")
	} else if !errors.Is(err, nats.ErrAuthorization) {
		t.Errorf("a client without the token: %v, want an authorization error", err)
	}
	// Reconnects without end, as the nodes do: confPoll bounds the waits.
	nc, err := nats.Connect(urls, nats.Token(token), nats.ReconnectWait(50*time.Millisecond), nats.MaxReconnects(-1))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	// Each wait below is bounded by confPoll; this bounds them all (a loaded
	// machine may take most of a wait to elect a leader, then again after the stop).
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var kv jetstream.KeyValue
	confPoll(t, "the bans' bucket to be made", func() error {
		// Until the servers have chosen a leader, a request goes unanswered.
		ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		defer cancel()
		kv, err = js.CreateKeyValue(ctx, jetstream.KeyValueConfig{
			Bucket: "ftppanel_bans", Replicas: 3, LimitMarkerTTL: time.Minute,
		})
		return err
	})
	const key = "192.0.2.1"
	if _, err := kv.Create(ctx, key, []byte("banned"), jetstream.KeyTTL(time.Hour)); err != nil {
		t.Fatalf("a ban with its own time: %v", err)
	}

	// One server of three stops: the client moves on and the ban is there.
	// The ID is read once: the client moves to another server at once, and
	// reading it in the loop stopped that one too (all three, at times).
	connected := nc.ConnectedServerId()
	for _, ns := range servers {
		if ns.ID() == connected {
			ns.Shutdown()
			ns.WaitForShutdown()
			break
		}
	}
	confPoll(t, "the ban to be read through another server", func() error {
		ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		defer cancel()
		entry, err := kv.Get(ctx, key)
		if err == nil && string(entry.Value()) != "banned" {
			return errors.New("the ban reads " + string(entry.Value()))
		}
		return err
	})
}

// confPoll calls f until it returns nil, failing after 30 seconds with its last error.
func confPoll(t *testing.T, what string, f func() error) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		err := f()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %s: %v", what, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
