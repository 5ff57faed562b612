package fleet

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/ftppanel/ftppanel/internal/session"
)

// How long a node is given to answer: a list or a lookup, and a disconnect,
// which the owner answers only once its sessions have ended.
const (
	askTimeout        = 2 * time.Second
	disconnectTimeout = session.DefaultEndWait + 2*time.Second
	// cacheFor bounds how long an idle node's answer to a list is reused: the
	// node says when its sessions change, but not when an idle one sends NOOP.
	cacheFor = 5 * time.Second
)

// View is every node's sessions as the panel's Sessions: this node's own from
// its registry, the others' asked of them over NATS. A node that is down is not
// asked, and its sessions are not shown; a command for a node that does not
// answer fails with *session.NodeError, never a false success.
type View struct {
	n *Node

	// SharedAccounts says that every node signs customers in against one store
	// (serve sets it when the store is shared); otherwise a customer's scope is
	// this node's own sessions.
	SharedAccounts bool

	mu    sync.Mutex
	cache map[string]cached
	// owners remembers which node showed a session, so that a command for a
	// session of a node that has since gone down fails as that node's silence,
	// not as an ended session.
	owners map[string]string
}

// cached is a node's answer to one list request, with the version of its
// sessions it was made at.
type cached struct {
	instance string
	changes  uint64
	at       time.Time
	rep      reply
}

// View returns the fleet's view of sessions.
func (n *Node) View() *View {
	return &View{n: n, cache: make(map[string]cached), owners: make(map[string]string)}
}

// remote reports whether a scope reaches other nodes' sessions.
func (v *View) remote(sc session.Scope) bool { return sc.All() || v.SharedAccounts }

// answer is one node's reply to a request, or the error of asking it.
type answer struct {
	node string
	rep  reply
	err  error
}

// ask sends a request to each of the nodes at once and collects the answers, in
// the order of nodes.
func (v *View) ask(nodes []nodeInfo, op string, req request, timeout time.Duration) []answer {
	what, _ := json.Marshal(req) // the cache's key: the question without its deadline
	req.Until = time.Now().Add(timeout)
	body, err := json.Marshal(req)
	out := make([]answer, len(nodes))
	if err != nil {
		for i := range out {
			out[i] = answer{node: nodes[i].Name, err: err}
		}
		return out
	}
	var wg sync.WaitGroup
	for i, p := range nodes {
		out[i].node = p.Name
		key := p.Name + "\x00" + op + "\x00" + string(what)
		if (op == "page" || op == "list") && v.fromCache(key, p, &out[i].rep) {
			continue
		}
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), timeout)
			defer cancel()
			data, err := requestParts(ctx, v.n.nc, nodeSubject(p.Name, "req."+op), body)
			if err == nil {
				err = json.Unmarshal(data, &out[i].rep)
			}
			if err == nil && out[i].rep.Error != "" {
				err = errors.New(out[i].rep.Error)
			}
			if err != nil {
				out[i].err = &session.NodeError{Node: p.Name}
				v.n.log.Warn("fleet request", "node", p.Name, "op", op, "error", err)
				return
			}
			if op == "page" || op == "list" {
				v.store(key, p, out[i].rep)
			}
			v.remember(out[i].rep.Rows)
		})
	}
	wg.Wait()
	return out
}

// fromCache finds a node's earlier answer that still holds: its sessions have
// not changed since, none of them is moving bytes, and it is recent.
func (v *View) fromCache(key string, p nodeInfo, into *reply) bool {
	if p.Transfers > 0 || p.Rate > 0 {
		return false
	}
	v.mu.Lock()
	c, ok := v.cache[key]
	v.mu.Unlock()
	if !ok || c.instance != p.Instance || c.changes != p.Changes || time.Since(c.at) > cacheFor {
		return false
	}
	*into = c.rep
	// Idle times are counted to now, not to when the answer was made.
	rows := slices.Clone(c.rep.Rows)
	gap := time.Since(c.at)
	for i := range rows {
		rows[i].Now = rows[i].Now.Add(gap)
	}
	into.Rows = rows
	return true
}

// maxOwners bounds the sessions whose node is remembered.
const maxOwners = 100_000

func (v *View) remember(rows []session.Snapshot) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if len(v.owners)+len(rows) > maxOwners {
		clear(v.owners)
	}
	for _, r := range rows {
		v.owners[r.ID] = r.Node
	}
}

// silentOwner is the error for a session found nowhere: the *session.NodeError
// of the node last seen holding it when that node is not up now, else
// ErrNotFound.
func (v *View) silentOwner(id string) error {
	v.mu.Lock()
	node, ok := v.owners[id]
	v.mu.Unlock()
	if !ok || node == v.n.cfg.Node || slices.ContainsFunc(v.n.upPeers(), func(p nodeInfo) bool { return p.Name == node }) {
		return session.ErrNotFound
	}
	return &session.NodeError{Node: node}
}

func (v *View) store(key string, p nodeInfo, rep reply) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if len(v.cache) >= 256 {
		clear(v.cache)
	}
	v.cache[key] = cached{instance: p.Instance, changes: p.Changes, at: time.Now(), rep: rep}
}

// peers are the nodes other than this one that a scope and filter reach.
func (v *View) peers(sc session.Scope, node string) []nodeInfo {
	if !v.remote(sc) {
		return nil
	}
	up := v.n.upPeers()
	if node != "" {
		up = slices.DeleteFunc(up, func(p nodeInfo) bool { return p.Name != node })
	}
	slices.SortFunc(up, func(a, b nodeInfo) int { return cmp.Compare(a.Name, b.Name) })
	return up
}

// local reports whether this node's own sessions pass a node filter.
func (v *View) local(node string) bool { return node == "" || node == v.n.cfg.Node }

// Get finds a session on whichever node holds it.
func (v *View) Get(id string, sc session.Scope) (session.Snapshot, error) {
	snap, err := v.n.reg.Get(id, sc)
	if err == nil || !session.ValidID(id) {
		return snap, err
	}
	var unanswered error
	for _, a := range v.ask(v.peers(sc, ""), "get", request{Scope: toWire(sc), IDs: []string{id}}, askTimeout) {
		if a.err != nil {
			unanswered = cmp.Or(unanswered, a.err)
			continue
		}
		if len(a.rep.Rows) > 0 {
			return a.rep.Rows[0], nil
		}
		if a.rep.HostLimit > 0 {
			return session.Snapshot{}, &session.HostLimitError{Limit: a.rep.HostLimit}
		}
	}
	return session.Snapshot{}, cmp.Or(unanswered, v.silentOwner(id))
}

// List lists the sessions of every node within scope that pass the filter,
// oldest connection first.
func (v *View) List(sc session.Scope, f session.Filter) []session.Snapshot {
	var out []session.Snapshot
	if v.local(f.Node) {
		out = v.n.reg.List(sc, f)
	}
	answers := v.ask(v.peers(sc, f.Node), "list", request{Scope: toWire(sc), Filter: f}, askTimeout)
	for _, a := range answers {
		out = append(out, a.rep.Rows...)
	}
	if len(answers) > 0 {
		slices.SortStableFunc(out, byConnected)
	}
	return out
}

func byConnected(a, b session.Snapshot) int {
	return cmp.Or(a.ConnectedAt.Compare(b.ConnectedAt), cmp.Compare(a.ID, b.ID))
}

// Page returns one page of every node's sessions within scope, oldest
// connection first, and the summary of all of them. Each node sends only its
// first page*size sessions: the page is among them.
func (v *View) Page(sc session.Scope, page, size int) ([]session.Snapshot, int, session.Summary) {
	peers := v.peers(sc, "")
	if len(peers) == 0 {
		return v.n.reg.Page(sc, page, size)
	}
	size, page = max(size, 1), max(page, 1)
	want := page * size
	rows, _, sum := v.n.reg.Page(sc, 1, want)
	for _, a := range v.ask(peers, "page", request{Scope: toWire(sc), Size: want}, askTimeout) {
		rows = append(rows, a.rep.Rows...)
		sum = addSummary(sum, a.rep.Sum)
	}
	slices.SortFunc(rows, byConnected)
	pages := max(1, (sum.Sessions+size-1)/size)
	page = min(page, pages)
	first := min((page-1)*size, len(rows))
	return rows[first:min(first+size, len(rows))], first, sum
}

// addSummary adds two nodes' summaries. A login with sessions on both nodes is
// counted as a user on each.
func addSummary(a, b session.Summary) session.Summary {
	return session.Summary{Sessions: a.Sessions + b.Sessions, Users: a.Users + b.Users,
		Transfers: a.Transfers + b.Transfers, Rate: a.Rate + b.Rate}
}

// Disconnect ends a session on whichever node holds it, and returns once that
// node says it has ended.
func (v *View) Disconnect(id string, sc session.Scope, by, message string) (session.Snapshot, error) {
	closed, err := v.DisconnectIDs([]string{id}, sc, by, message)
	if len(closed) > 0 {
		return closed[0], nil
	}
	return session.Snapshot{}, cmp.Or(err, v.silentOwner(id))
}

// DisconnectIDs ends the sessions with these IDs on whichever nodes hold them,
// telling their clients message. The error names a node that did not answer.
func (v *View) DisconnectIDs(ids []string, sc session.Scope, by, message string) ([]session.Snapshot, error) {
	closed := v.n.reg.DisconnectIDs(ids, sc, by, message)
	rest := slices.DeleteFunc(slices.Clone(ids), func(id string) bool {
		return slices.ContainsFunc(closed, func(s session.Snapshot) bool { return s.ID == id })
	})
	if len(rest) == 0 {
		return closed, nil
	}
	more, err := v.disconnectRemote(sc, request{Scope: toWire(sc), IDs: rest, By: by, Message: message}, "")
	return append(closed, more...), err
}

// DisconnectMatching ends every session within scope that passes the filter,
// on every node at once.
func (v *View) DisconnectMatching(sc session.Scope, f session.Filter, by, message string) ([]session.Snapshot, error) {
	var closed []session.Snapshot
	var wg sync.WaitGroup
	if v.local(f.Node) {
		wg.Go(func() { closed = v.n.reg.DisconnectMatching(sc, f, by, message) })
	}
	more, err := v.disconnectRemote(sc, request{Scope: toWire(sc), Filter: f, All: true, By: by, Message: message}, f.Node)
	wg.Wait()
	return append(closed, more...), err
}

func (v *View) disconnectRemote(sc session.Scope, req request, node string) ([]session.Snapshot, error) {
	var closed []session.Snapshot
	var unanswered error
	for _, a := range v.ask(v.peers(sc, node), "disconnect", req, disconnectTimeout) {
		if a.err != nil {
			unanswered = cmp.Or(unanswered, a.err)
		}
		closed = append(closed, a.rep.Rows...)
	}
	return closed, unanswered
}

// Throttle sets the rate limit of a session on whichever node holds it
// (0 lifts it); that node applies it to the session's running and later
// transfers.
func (v *View) Throttle(id string, sc session.Scope, by string, bps int64) (session.Snapshot, error) {
	snap, err := v.n.reg.Throttle(id, sc, bps)
	if !errors.Is(err, session.ErrNotFound) {
		return snap, err // limited here, or refused to the customer
	}
	var unanswered error
	for _, a := range v.ask(v.peers(sc, ""), "throttle", request{Scope: toWire(sc), IDs: []string{id}, By: by, Rate: bps}, askTimeout) {
		if a.err != nil {
			unanswered = cmp.Or(unanswered, a.err)
		}
		if len(a.rep.Rows) > 0 {
			return a.rep.Rows[0], nil
		}
		if a.rep.HostLimit > 0 {
			return session.Snapshot{}, &session.HostLimitError{Limit: a.rep.HostLimit}
		}
	}
	return session.Snapshot{}, cmp.Or(unanswered, v.silentOwner(id))
}

// Watch delivers a value when any node's sessions may have changed.
func (v *View) Watch() (<-chan struct{}, func()) { return v.n.changed.Watch() }

// Traffic is the fleet's total transfer rate, second by second.
func (v *View) Traffic() []session.TrafficPoint { return v.n.traffic() }

// Nodes lists every node heard of, this one first.
func (v *View) Nodes() []session.NodeInfo { return v.n.Nodes() }

// Unreachable reports since when NATS has been out of reach.
func (v *View) Unreachable() time.Time { return v.n.Unreachable() }
