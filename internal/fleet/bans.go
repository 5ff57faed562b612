package fleet

// The fleet's bans live in a JetStream key-value bucket, one key per banned
// address, whose value is the ban; each node's SQLite holds its own copy,
// which is what its FTP server reads at connect.
//
//   - A ban added, extended or lifted on a node (the panel, the defender) goes
//     to the bucket: the store tells the node which address changed
//     (store.DB.OnBanChange), and the node writes what its copy now says. A
//     ban that is not permanent is written with a TTL, so the bucket's entry
//     expires with it; a lift leaves a purge marker that lasts as long as the
//     lifted ban would have (for ever for a permanent ban), so that a node that
//     was away while it was lifted lifts it too.
//   - Every node watches the bucket and takes each change into its copy,
//     without telling the store's hook (no echo), and ends its sessions from
//     an address the fleet has just banned.
//   - Of two bans on one address, the longer holds, as on one node; writes
//     are compare-and-set, so two nodes banning at once keep the longer.
//   - While NATS is out of reach, bans are made and lifted on the node's copy
//     alone and remembered as not yet sent; when NATS answers again, the node
//     reads the whole bucket anew, takes in what changed meanwhile for every
//     address it did not change itself, and sends the rest. A ban on this node
//     that the bucket has never heard of (made before the node joined, or
//     while NATS was away) is sent too.
//   - A node that starts does not know what it changed while it was stopped.
//     The first time it reads the bucket, where its copy and the bucket
//     disagree, the newer wins: a ban created here after the bucket's entry
//     or marker was written is sent, and so is a lift made here after the
//     bucket's entry; otherwise the bucket's word is taken. Times from
//     different clocks are compared there, and only there: clocks should be
//     kept in step (NTP). An extension made here while stopped from the fleet
//     keeps the time of the ban it extended, so the bucket's word wins over it.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/ftppanel/ftppanel/internal/session"
	"github.com/ftppanel/ftppanel/internal/store"
)

const (
	bansBucket  = "ftppanel_bans"
	bansStream  = "KV_" + bansBucket
	bansSubject = "$KV." + bansBucket + "."
	// bansReplicas is how many NATS servers keep the bucket when they are a
	// cluster; a lone server keeps one copy.
	bansReplicas = 3
	// expiryMarkerTTL is how long the bucket keeps the marker of a ban that
	// expired: long enough for every watching node to see it.
	expiryMarkerTTL = time.Minute
	// liftMarkerSlack outlasts a lifted ban's end in its marker, for clocks
	// that differ a little.
	liftMarkerSlack = time.Minute
	// bansCallTimeout bounds one call to JetStream.
	bansCallTimeout = 5 * time.Second
	// bansPushTries bounds the compare-and-set tries of one address's change.
	bansPushTries = 5
	// liftedByFleet is who lifted a ban, in a node's copy, when another node did.
	liftedByFleet = "fleet"
	// kvOperation is the header of a key-value bucket's delete and purge markers.
	kvOperation = "KV-Operation"
)

// errOffline: NATS is out of reach; the bans wait for it.
var errOffline = errors.New("NATS out of reach")

// wireBan is a ban as the bucket holds it.
type wireBan struct {
	IP        string    `json:"ip"`
	Reason    string    `json:"reason,omitempty"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	Until     time.Time `json:"until"` // store.Forever for a permanent ban
}

func toWireBan(b store.Ban) wireBan {
	return wireBan{IP: b.IP, Reason: b.Reason, CreatedBy: b.CreatedBy, CreatedAt: b.CreatedAt, Until: b.Until}
}

func (w wireBan) ban() store.Ban {
	return store.Ban{IP: w.IP, Reason: w.Reason, CreatedBy: w.CreatedBy, CreatedAt: w.CreatedAt, Until: w.Until}
}

// normalIP is an address as the store keeps it; "" when it is not one.
func normalIP(s string) string {
	addr, err := netip.ParseAddr(s)
	if err != nil {
		return ""
	}
	return addr.Unmap().String()
}

// banKey is an address as a key of the bucket, whose keys hold letters,
// digits, '-', '_', '=', '.' and '/': an IPv6 address's ':' is sent as '_',
// and any other character (of a zone) as '=' and two hex digits.
func banKey(ip string) string {
	var b strings.Builder
	for i := range len(ip) {
		switch c := ip[i]; {
		case c >= '0' && c <= '9', c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '.', c == '-':
			b.WriteByte(c)
		case c == ':':
			b.WriteByte('_')
		default:
			fmt.Fprintf(&b, "=%02X", c)
		}
	}
	return b.String()
}

// keyIP is the address a key of the bucket stands for; "" when it stands for none.
func keyIP(key string) string {
	var b strings.Builder
	for i := 0; i < len(key); i++ {
		switch c := key[i]; c {
		case '_':
			b.WriteByte(':')
		case '=':
			if i+2 >= len(key) {
				return ""
			}
			var v byte
			if _, err := fmt.Sscanf(key[i+1:i+3], "%02X", &v); err != nil {
				return ""
			}
			b.WriteByte(v)
			i += 2
		default:
			b.WriteByte(c)
		}
	}
	ip := normalIP(b.String())
	if ip == "" || banKey(ip) != key {
		return ""
	}
	return ip
}

// bans keeps this node's copy of the fleet's bans and the fleet's of this
// node's. Everything but the unsent set runs on one goroutine (run).
type bans struct {
	n   *Node
	db  *store.DB
	log *slog.Logger

	stopping sync.WaitGroup // watches being stopped

	mu     sync.Mutex
	unsent map[string]uint64 // addresses changed here and not yet sent: a generation each
	gen    uint64
	wake   chan struct{}

	kv     jetstream.KeyValue
	stream jetstream.Stream
	// rev is, by address, the newest revision of the bucket this node has
	// taken in or written: an older one still on its way is passed over.
	rev map[string]uint64
	// fresh holds until this node has read the whole bucket once.
	fresh bool
}

func newBans(n *Node) *bans {
	b := &bans{n: n, db: n.cfg.Store, log: n.log, unsent: make(map[string]uint64), wake: make(chan struct{}, 1), fresh: true}
	b.db.OnBanChange(b.changed)
	return b
}

// close stops taking this node's changes.
func (b *bans) close() { b.db.OnBanChange(nil) }

// changed is the store's word that ip's ban changed on this node.
func (b *bans) changed(ip string) {
	b.mu.Lock()
	b.gen++
	b.unsent[ip] = b.gen
	b.mu.Unlock()
	select {
	case b.wake <- struct{}{}:
	default:
	}
}

func (b *bans) isUnsent(ip string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	_, ok := b.unsent[ip]
	return ok
}

// changedSince reports whether ip changed here after its change of generation gen.
func (b *bans) changedSince(ip string, gen uint64) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.unsent[ip] != gen
}

// sent forgets ip's change of generation gen: a later one stays to be sent.
func (b *bans) sent(ip string, gen uint64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.unsent[ip] == gen {
		delete(b.unsent, ip)
	}
}

// pending is the unsent changes as of now.
func (b *bans) pending() map[string]uint64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return maps.Clone(b.unsent)
}

// run follows the bucket until ctx ends, starting again whenever NATS answers
// again or something failed.
func (b *bans) run(ctx context.Context) {
	const firstWait, maxWait = time.Second, time.Minute
	wait := firstWait
	for {
		err := b.follow(ctx)
		if ctx.Err() != nil {
			return
		}
		if err == nil { // NATS answers again: start again now
			wait = firstWait
			continue
		}
		if !errors.Is(err, errOffline) {
			b.log.Warn("fleet bans", slog.Any("error", err))
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-b.n.reconnected:
			wait = firstWait
		case <-t.C:
			wait = min(2*wait, maxWait)
		}
		t.Stop()
	}
}

// follow reads the whole bucket into this node's copy, sends this node's
// unsent changes and those the bucket lacks, then takes in the bucket's
// changes and sends this node's as they come. It returns nil when NATS
// answers again after a break, and an error when something failed.
func (b *bans) follow(ctx context.Context) error {
	if !b.n.nc.IsConnected() {
		return errOffline
	}
	if err := b.open(ctx); err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	w, err := b.kv.WatchAll(ctx)
	if err != nil {
		return fmt.Errorf("watch the bans: %w", err)
	}
	// Stopping a watch asks the server to delete its consumer, which waits
	// while NATS is away: it goes on in the background, and Node.Close waits
	// for it once the connection is closed.
	b.stopping.Add(1)
	defer func() {
		go func() {
			defer b.stopping.Done()
			w.Stop()
			for range w.Updates() { // until the watcher lets go
			}
		}()
	}()
	b.rev = make(map[string]uint64)
	seen := make(map[string]bool) // the addresses the bucket holds a key for
	replaying := true
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-b.n.reconnected:
			return nil
		case <-b.wake:
			if !replaying {
				if err := b.pushUnsent(ctx); err != nil {
					return err
				}
			}
		case e, ok := <-w.Updates():
			switch {
			case !ok:
				return errors.New("the bans' watch ended")
			case e == nil: // the bucket as it was is read
				if err := b.replayed(ctx, seen); err != nil {
					return err
				}
				replaying, b.fresh = false, false
			default:
				if replaying {
					seen[keyIP(e.Key())] = true
				}
				if err := b.apply(ctx, e, replaying && b.fresh); err != nil {
					return err
				}
			}
		}
	}
}

// open finds the bucket, or makes it.
func (b *bans) open(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, bansCallTimeout)
	defer cancel()
	kv, err := b.n.js.KeyValue(ctx, bansBucket)
	if errors.Is(err, jetstream.ErrBucketNotFound) {
		cfg := jetstream.KeyValueConfig{Bucket: bansBucket, Description: "ftppanel: the fleet's banned addresses",
			History: 1, LimitMarkerTTL: expiryMarkerTTL, Replicas: bansReplicas}
		kv, err = b.n.js.CreateKeyValue(ctx, cfg)
		if err != nil && !errors.Is(err, jetstream.ErrBucketExists) {
			// A lone server, or a cluster with fewer servers up: one copy.
			cfg.Replicas = 1
			kv, err = b.n.js.CreateKeyValue(ctx, cfg)
			if err == nil {
				b.log.Warn("fleet bans: the bucket is kept on one NATS server only")
			}
		}
		if errors.Is(err, jetstream.ErrBucketExists) { // another node made it first
			kv, err = b.n.js.KeyValue(ctx, bansBucket)
		}
	}
	if err != nil {
		return fmt.Errorf("the bans' bucket: %w", err)
	}
	stream, err := b.n.js.Stream(ctx, bansStream)
	if err != nil {
		return fmt.Errorf("the bans' bucket: %w", err)
	}
	b.kv, b.stream = kv, stream
	return nil
}

// apply takes one entry of the bucket into this node's copy: a ban is applied
// as the bucket has it and this node's sessions from the address end; a
// marker (lifted or expired) lifts it. An address changed here and not yet
// sent keeps this node's word, which is sent next. fresh: this node has just
// started, and the newer of its copy and the bucket wins.
func (b *bans) apply(ctx context.Context, e jetstream.KeyValueEntry, fresh bool) error {
	ip := keyIP(e.Key())
	if ip == "" {
		b.log.Warn("fleet bans: a key that is no address", slog.String("key", e.Key()))
		return nil
	}
	// Checked again as the change is written: a change made here meanwhile
	// is kept, and sent.
	unsent := func() bool { return b.isUnsent(ip) }
	if unsent() || e.Revision() < b.rev[ip] {
		return nil
	}
	b.rev[ip] = e.Revision()
	var st store.BanState
	if fresh {
		var err error
		if st, err = b.db.BanState(ctx, ip); err != nil {
			return err
		}
	}
	banned := st.Ban.ID != 0
	if e.Operation() != jetstream.KeyValuePut {
		if fresh && banned && st.Ban.CreatedAt.After(e.Created()) {
			b.changed(ip) // banned here after the fleet lifted it: send it
			return nil
		}
		lifted, err := b.db.ApplyLift(ctx, ip, liftedByFleet, unsent)
		if lifted {
			b.log.Info("ban lifted in the fleet", slog.String("ip", ip))
		}
		return err
	}
	var w wireBan
	if err := json.Unmarshal(e.Value(), &w); err != nil || normalIP(w.IP) != ip {
		b.log.Warn("fleet bans: an entry that is no ban", slog.String("key", e.Key()))
		return nil
	}
	if fresh && (banned && st.Ban.CreatedAt.After(e.Created()) || !banned && st.LiftedAt.After(e.Created())) {
		b.changed(ip) // banned or lifted here after the fleet's ban: send it
		return nil
	}
	changed, err := b.db.ApplyBan(ctx, w.ban(), unsent)
	if err != nil {
		return err
	}
	if b.isUnsent(ip) {
		return nil
	}
	if changed {
		b.log.Info("ban from the fleet", slog.String("ip", ip), slog.String("by", w.CreatedBy),
			slog.Time("until", w.Until))
	}
	if w.Until.After(b.db.Now()) {
		b.endSessions(ip)
	}
	return nil
}

// endSessions ends this node's sessions from a banned address.
func (b *bans) endSessions(ip string) {
	if end := b.n.cfg.EndBanned; end != nil {
		end(ip)
		return
	}
	for _, snap := range b.n.reg.List(session.AllSessions(), session.Filter{ExactIP: ip}) {
		b.n.reg.End(snap.ID, session.EndBanned)
	}
}

// replayed sends, once the whole bucket is read, this node's unsent changes
// and its bans the bucket has never heard of.
func (b *bans) replayed(ctx context.Context, seen map[string]bool) error {
	list, err := b.db.Bans(ctx)
	if err != nil {
		return err
	}
	for _, ban := range list {
		if !seen[ban.IP] {
			b.changed(ban.IP)
		}
	}
	return b.pushUnsent(ctx)
}

// pushUnsent sends this node's unsent changes. While NATS is out of reach they
// wait: the bucket is read anew when it answers.
func (b *bans) pushUnsent(ctx context.Context) error {
	if !b.n.nc.IsConnected() {
		return nil
	}
	for ip, gen := range b.pending() {
		if err := b.push(ctx, ip, gen); err != nil {
			return err
		}
		b.sent(ip, gen)
	}
	return nil
}

// errConflict: the bucket's entry changed while a change was being sent.
var errConflict = errors.New("the entry changed meanwhile")

// push sends what this node's copy says of ip, changed here in generation
// gen, to the bucket.
func (b *bans) push(ctx context.Context, ip string, gen uint64) error {
	for range bansPushTries {
		if err := b.pushOnce(ctx, ip, gen); !errors.Is(err, errConflict) {
			return err
		}
	}
	return fmt.Errorf("the ban on %s: its entry kept changing", ip)
}

func (b *bans) pushOnce(ctx context.Context, ip string, gen uint64) error {
	st, err := b.db.BanState(ctx, ip)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, bansCallTimeout)
	defer cancel()
	key := banKey(ip)
	var seq uint64   // the key's last revision, a marker's too; 0 for none
	var cur *wireBan // the bucket's ban in force, if any
	last, err := b.stream.GetLastMsgForSubject(ctx, bansSubject+key)
	switch {
	case errors.Is(err, jetstream.ErrMsgNotFound):
	case err != nil:
		return fmt.Errorf("read the ban on %s: %w", ip, err)
	default:
		seq = last.Sequence
		if last.Header.Get(kvOperation) == "" && last.Header.Get(jetstream.MarkerReasonHeader) == "" {
			var w wireBan
			if json.Unmarshal(last.Data, &w) == nil && normalIP(w.IP) == ip {
				cur = &w
			}
		}
	}
	now := b.db.Now()
	if st.Ban.ID == 0 { // lifted here
		if cur == nil {
			return nil // nothing in the bucket to lift
		}
		var ttl time.Duration // a permanent ban's lift is kept for ever
		if !(cur.ban().Permanent()) {
			ttl = max(cur.Until.Sub(now)+liftMarkerSlack, time.Second).Round(time.Second)
		}
		err := b.kv.Purge(ctx, key, jetstream.LastRevision(seq), jetstream.PurgeTTL(ttl))
		if errors.Is(err, jetstream.ErrKeyRevisionMismatch) {
			return errConflict
		}
		if err != nil {
			return fmt.Errorf("lift the ban on %s: %w", ip, err)
		}
		b.rev[ip] = seq + 1 // the purged ban, still on its way, is passed over
		return nil
	}
	if cur != nil && !cur.Until.Before(st.Ban.Until) {
		// The fleet's ban lasts as long or longer: this node takes it, unless
		// it changed the ban again meanwhile (that change is sent next).
		b.rev[ip] = seq
		_, err := b.db.ApplyBan(ctx, cur.ban(), func() bool { return b.changedSince(ip, gen) })
		return err
	}
	body, err := json.Marshal(toWireBan(st.Ban))
	if err != nil {
		return err
	}
	opts := []jetstream.PublishOpt{jetstream.WithExpectLastSequencePerSubject(seq)}
	if !st.Ban.Permanent() {
		// The entry expires with the ban: a TTL is whole seconds, at least one.
		ttl := max(st.Ban.Until.Sub(now), time.Second)
		opts = append(opts, jetstream.WithMsgTTL(ttl.Truncate(time.Second)+time.Second))
	}
	// A key-value bucket's Put takes no TTL; a write to its subject is what
	// Create does, with a TTL and the revision expected.
	ack, err := b.n.js.PublishMsg(ctx, &nats.Msg{Subject: bansSubject + key, Data: body}, opts...)
	if isWrongLastSequence(err) {
		return errConflict
	}
	if err != nil {
		return fmt.Errorf("send the ban on %s: %w", ip, err)
	}
	b.rev[ip] = ack.Sequence
	return nil
}

func isWrongLastSequence(err error) bool {
	var apiErr *jetstream.APIError
	return errors.As(err, &apiErr) && (apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequence ||
		apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequenceConstant)
}
