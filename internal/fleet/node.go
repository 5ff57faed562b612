package fleet

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/ftppanel/ftppanel/internal/session"
)

// Heartbeats: a node says what it holds every infoEvery, and at most every
// infoMinGap when its sessions change; a node not heard for downAfter is down,
// and one down for forgetAfter is no longer listed.
const (
	infoEvery   = time.Second
	infoMinGap  = 100 * time.Millisecond
	downAfter   = 3 * time.Second
	forgetAfter = time.Hour
)

// Node is this node's membership of the fleet.
type Node struct {
	cfg      Config
	log      *slog.Logger
	reg      *session.Registry
	instance string // this run of the node: tells it apart from a namesake
	started  time.Time

	nc *nats.Conn
	js jetstream.JetStream

	mu          sync.Mutex
	peers       map[string]*peer       // by name, this node excluded
	unreachable time.Time              // since when NATS has been out of reach
	closing     bool                   // Close has begun: no new requests are taken
	changed     session.Watchers       // the View's watchers: any node's sessions changed
	rates       []session.TrafficPoint // the fleet's total rate, oldest first

	stop     context.CancelFunc
	done     sync.WaitGroup
	subs     []*nats.Subscription
	handling chan struct{} // a slot per request being handled
	poke     chan struct{} // asks for a heartbeat now
	handled  atomic.Int64  // requests answered, for the tests

	bans        *bans         // the fleet's bans and this node's copy; nil without a store
	reconnected chan struct{} // NATS answers again: the bans are read anew
}

// peer is another node, as last heard.
type peer struct {
	info  nodeInfo
	heard time.Time
}

// nodeInfo is a node's heartbeat.
type nodeInfo struct {
	Name      string    `json:"name"`
	Instance  string    `json:"instance"`
	Version   string    `json:"version"`
	UpSince   time.Time `json:"up_since"`
	Sessions  int       `json:"sessions"`
	Transfers int       `json:"transfers"`
	Rate      float64   `json:"rate"`
	// Changes is the node's registry version: while it stays the same, no
	// session came, went or changed state.
	Changes uint64 `json:"changes"`
	// Leaving says the node is stopping.
	Leaving bool `json:"leaving,omitempty"`
}

// Join connects this node to the fleet. It does not wait for NATS: when no
// server answers, the node starts alone and joins when one does. When NATS
// answers, Join refuses a name that another running node has.
func Join(cfg Config) (*Node, error) {
	if err := CheckNode(cfg.Node); err != nil {
		return nil, err
	}
	n := &Node{cfg: cfg, log: cfg.Logger, reg: cfg.Registry, instance: rand.Text(), started: time.Now(),
		peers: make(map[string]*peer), handling: make(chan struct{}, maxHandling), poke: make(chan struct{}, 1),
		reconnected: make(chan struct{}, 1)}
	if n.log == nil {
		n.log = slog.Default()
	}
	opts := []nats.Option{
		nats.Name("ftppanel " + cfg.Node),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(time.Second),
		nats.RetryOnFailedConnect(true),
		nats.PingInterval(5 * time.Second),
		nats.MaxPingsOutstanding(2),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			n.setReachable(false)
			n.log.Warn("fleet unreachable", slog.Any("error", err))
		}),
		nats.ReconnectHandler(func(*nats.Conn) {
			n.setReachable(true)
			n.log.Info("fleet reachable again")
			n.pokeHeartbeat()
			n.pokeBans()
		}),
		nats.ConnectHandler(func(*nats.Conn) { // the first connection, made in the background
			n.setReachable(true)
			n.log.Info("fleet reachable")
			n.pokeHeartbeat()
			n.pokeBans()
		}),
		nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) {
			n.log.Warn("fleet messaging", slog.Any("error", err))
		}),
	}
	if cfg.CredsFile != "" {
		opts = append(opts, nats.UserCredentials(cfg.CredsFile))
	}
	if cfg.CAFile != "" {
		opts = append(opts, nats.RootCAs(cfg.CAFile))
	}
	if cfg.Token != "" {
		opts = append(opts, nats.Token(cfg.Token))
	}
	urls := strings.Join(cfg.URLs, ",")
	if cfg.Server != nil {
		opts = append(opts, nats.InProcessServer(cfg.Server.ns))
	}
	nc, err := nats.Connect(urls, opts...)
	if err != nil {
		return nil, fmt.Errorf("fleet: %w", err)
	}
	n.nc = nc
	if err := nc.LastError(); !nc.IsConnected() && refused(err) {
		nc.Close()
		return nil, fmt.Errorf("fleet: NATS refused this node's credentials (%v): check the token, user or --nats-creds", err)
	}
	if !nc.IsConnected() {
		n.setReachable(false)
		n.log.Warn("fleet unreachable at start: serving this node alone until NATS answers")
	}
	if n.js, err = jetstream.New(nc); err != nil {
		nc.Close()
		return nil, fmt.Errorf("fleet: %w", err)
	}
	if err := n.subscribe(); err != nil {
		nc.Close()
		return nil, err
	}
	if err := n.checkName(); err != nil {
		nc.Close()
		return nil, err
	}
	ctx, stop := context.WithCancel(context.Background())
	n.stop = stop
	n.done.Add(1)
	go func() {
		defer n.done.Done()
		n.heartbeat(ctx)
	}()
	if cfg.Store != nil {
		n.bans = newBans(n)
		n.done.Add(1)
		go func() {
			defer n.done.Done()
			n.bans.run(ctx)
		}()
	}
	return n, nil
}

// refused reports whether a NATS server turned the connection's credentials
// down: a node that would never get in should say so, not wait.
func refused(err error) bool {
	return errors.Is(err, nats.ErrAuthorization) || errors.Is(err, nats.ErrAuthExpired) ||
		err != nil && strings.Contains(strings.ToLower(err.Error()), "authorization violation")
}

// Close tells the fleet this node is leaving and disconnects.
func (n *Node) Close() {
	if n.bans != nil {
		n.bans.close()
	}
	n.mu.Lock()
	n.closing = true
	n.mu.Unlock()
	n.stop()
	for _, sub := range n.subs {
		sub.Unsubscribe()
	}
	n.done.Wait()
	n.publishInfo(true)
	if n.nc.IsConnected() { // while NATS is away, a flush would wait for nothing
		n.nc.FlushTimeout(time.Second)
	}
	n.nc.Close()
	if n.bans != nil {
		n.bans.stopping.Wait()
	}
}

// Name is this node's name.
func (n *Node) Name() string { return n.cfg.Node }

func (n *Node) setReachable(ok bool) {
	n.mu.Lock()
	switch {
	case ok:
		n.unreachable = time.Time{}
	case n.unreachable.IsZero():
		n.unreachable = time.Now()
	}
	n.mu.Unlock()
	n.changed.Notify()
}

// Unreachable reports since when NATS has been out of reach; zero while it is
// reachable.
func (n *Node) Unreachable() time.Time {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.unreachable
}

// subscribe listens for the other nodes' heartbeats and for requests to this node.
func (n *Node) subscribe() error {
	info, err := n.nc.Subscribe(subjectPrefix+"node.*.info", n.onInfo)
	if err != nil {
		return fmt.Errorf("fleet: %w", err)
	}
	req, err := n.nc.Subscribe(nodeSubject(n.cfg.Node, "req.*"), n.onRequest)
	if err != nil {
		info.Unsubscribe()
		return fmt.Errorf("fleet: %w", err)
	}
	n.subs = []*nats.Subscription{info, req}
	return nil
}

// hello is the answer to a node starting with this node's name.
type hello struct {
	Instance string    `json:"instance"`
	Started  time.Time `json:"started"`
}

// older reports whether h started before o: of two namesakes, the older stays.
func (h hello) older(o hello) bool {
	if !h.Started.Equal(o.Started) {
		return h.Started.Before(o.Started)
	}
	return h.Instance < o.Instance
}

// checkName refuses to join when a node of this name is running. Both of two
// namesakes starting together hear each other; the younger one gives way.
func (n *Node) checkName() error {
	if !n.nc.IsConnected() {
		return nil // checked by nobody: NATS is not there to ask
	}
	me := hello{Instance: n.instance, Started: n.started}
	body, _ := json.Marshal(me)
	msg, err := n.nc.Request(nodeSubject(n.cfg.Node, "req.hello"), body, 500*time.Millisecond)
	if err != nil {
		if errors.Is(err, nats.ErrTimeout) || errors.Is(err, nats.ErrNoResponders) {
			return nil
		}
		return fmt.Errorf("fleet: %w", err)
	}
	var other hello
	if json.Unmarshal(msg.Data, &other) != nil || other.Instance == n.instance {
		return nil
	}
	if other.older(me) {
		return fmt.Errorf("node name %q is taken: a node of that name is running in the fleet (up since %s); give this one another --node",
			n.cfg.Node, other.Started.Format(time.RFC3339))
	}
	return nil
}

// info is this node's heartbeat as of now.
func (n *Node) info(leaving bool) nodeInfo {
	changes := n.reg.Version() // before the count: a change in between shows next time
	_, _, sum := n.reg.Page(session.AllSessions(), 1, 1)
	return nodeInfo{Name: n.cfg.Node, Instance: n.instance, Version: n.cfg.Version, UpSince: n.started,
		Sessions: sum.Sessions, Transfers: sum.Transfers, Rate: sum.Rate, Changes: changes, Leaving: leaving}
}

func (n *Node) publishInfo(leaving bool) {
	body, err := json.Marshal(n.info(leaving))
	if err != nil {
		return
	}
	// While NATS is out of reach, a heartbeat is dropped rather than queued:
	// a stale one tells the others nothing.
	if n.nc.IsConnected() {
		n.nc.Publish(nodeSubject(n.cfg.Node, "info"), body)
	}
}

// heartbeat publishes this node's info every infoEvery, and soon after its
// sessions change; it also tells the View's watchers when a peer goes down.
func (n *Node) heartbeat(ctx context.Context) {
	changed, stopWatch := n.reg.Watch()
	defer stopWatch()
	tick := time.NewTicker(infoEvery)
	defer tick.Stop()
	n.publishInfo(false)
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			n.publishInfo(false)
			n.expirePeers()
			n.sampleRate()
		case <-n.poke:
			n.publishInfo(false)
		case <-changed:
			n.changed.Notify()
			select {
			case <-ctx.Done():
				return
			case <-time.After(infoMinGap):
			}
			n.publishInfo(false)
		}
	}
}

// pokeHeartbeat asks for a heartbeat now: NATS is back, and the others
// should hear of this node at once. The connection's callbacks may run before
// Join has the connection, so they do not publish themselves.
func (n *Node) pokeHeartbeat() {
	select {
	case n.poke <- struct{}{}:
	default:
	}
}

// pokeBans has the bans read anew from the fleet: NATS answers again.
func (n *Node) pokeBans() {
	select {
	case n.reconnected <- struct{}{}:
	default:
	}
}

// expirePeers forgets nodes long down, and tells watchers of any newly down.
func (n *Node) expirePeers() {
	now := time.Now()
	wentDown := false
	n.mu.Lock()
	for name, p := range n.peers {
		age := now.Sub(p.heard)
		if age > forgetAfter {
			delete(n.peers, name)
		}
		if age > downAfter && age <= downAfter+infoEvery {
			wentDown = true
		}
	}
	n.mu.Unlock()
	if wentDown {
		n.changed.Notify()
	}
}

func (n *Node) onInfo(m *nats.Msg) {
	var in nodeInfo
	if err := json.Unmarshal(m.Data, &in); err != nil || CheckNode(in.Name) != nil {
		return
	}
	if in.Name == n.cfg.Node {
		return
	}
	now := time.Now()
	n.mu.Lock()
	p := n.peers[in.Name]
	notify := p == nil || p.info.Changes != in.Changes || p.info.Instance != in.Instance ||
		p.info.Leaving != in.Leaving || now.Sub(p.heard) > downAfter
	if p == nil {
		p = &peer{}
		n.peers[in.Name] = p
	}
	p.info, p.heard = in, now
	if in.Leaving {
		p.heard = now.Add(-downAfter - time.Nanosecond)
	}
	n.mu.Unlock()
	if notify {
		n.changed.Notify()
	}
}

// Nodes lists every node heard of, this one first, then by name.
func (n *Node) Nodes() []session.NodeInfo {
	self := n.info(false)
	now := time.Now()
	out := []session.NodeInfo{{Name: self.Name, Version: self.Version, UpSince: self.UpSince, LastHeard: now,
		Sessions: self.Sessions, Transfers: self.Transfers, Rate: self.Rate, Up: true, Self: true}}
	n.mu.Lock()
	for _, p := range n.peers {
		out = append(out, session.NodeInfo{Name: p.info.Name, Version: p.info.Version, UpSince: p.info.UpSince,
			LastHeard: p.heard, Sessions: p.info.Sessions, Transfers: p.info.Transfers, Rate: p.info.Rate,
			Up: n.upLocked(p, now)})
	}
	n.mu.Unlock()
	sortNodes(out[1:])
	return out
}

// upLocked reports whether a peer counts as up: heard lately, over a link that
// is up. n.mu is held.
func (n *Node) upLocked(p *peer, now time.Time) bool {
	return n.unreachable.IsZero() && now.Sub(p.heard) <= downAfter
}

// upPeers returns the peers that are up, with what they last said.
func (n *Node) upPeers() []nodeInfo {
	now := time.Now()
	n.mu.Lock()
	defer n.mu.Unlock()
	var out []nodeInfo
	for _, p := range n.peers {
		if n.upLocked(p, now) {
			out = append(out, p.info)
		}
	}
	return out
}

func sortNodes(nodes []session.NodeInfo) {
	slices.SortFunc(nodes, func(a, b session.NodeInfo) int { return cmp.Compare(a.Name, b.Name) })
}

// sampleRate adds the fleet's total rate now, this node's and the up peers'
// as last heard, to the traffic history.
func (n *Node) sampleRate() {
	rate := 0.0
	if pts := n.reg.Traffic(); len(pts) > 0 {
		rate = pts[len(pts)-1].Rate
	}
	for _, p := range n.upPeers() {
		rate += p.Rate
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	n.rates = append(n.rates, session.TrafficPoint{At: time.Now(), Rate: rate})
	if len(n.rates) > session.TrafficHistoryLen {
		n.rates = slices.Delete(n.rates, 0, len(n.rates)-session.TrafficHistoryLen)
	}
}

// traffic is the fleet's total rate history.
func (n *Node) traffic() []session.TrafficPoint {
	n.mu.Lock()
	defer n.mu.Unlock()
	return slices.Clone(n.rates)
}
