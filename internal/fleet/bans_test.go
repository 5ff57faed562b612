package fleet

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/ftppanel/ftppanel/internal/session"
	"github.com/ftppanel/ftppanel/internal/store"
)

// openStore opens a node's own SQLite database in a fresh directory.
func openStore(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(t.Context(), filepath.Join(t.TempDir(), "ftppanel.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// banNode joins a node keeping its bans in db to the fleet at url; Close is
// the caller's (a test restarts nodes) and the test's end.
func banNode(t *testing.T, url, name string, db *store.DB, reg *session.Registry) *Node {
	t.Helper()
	n, err := Join(Config{URLs: []string{url}, Node: name, Version: "test", Registry: reg, Store: db,
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// closeOnce closes a node at the test's end unless the test already has.
func closeOnce(t *testing.T, n *Node) func() {
	closed := false
	stop := func() {
		if !closed {
			closed = true
			n.Close()
		}
	}
	t.Cleanup(stop)
	return stop
}

func newRegistry(name string) *session.Registry {
	reg := session.NewRegistry()
	reg.Node = name
	return reg
}

// banned reports whether db refuses ip now, and until when.
func banned(t *testing.T, db *store.DB, ip string) (time.Time, bool) {
	t.Helper()
	b, err := db.ActiveBan(context.Background(), ip)
	if errors.Is(err, store.ErrNotFound) {
		return time.Time{}, false
	}
	if err != nil {
		t.Fatal(err)
	}
	return b.Until, true
}

func addBan(t *testing.T, db *store.DB, ip, by string, until time.Time) store.Ban {
	t.Helper()
	b, err := db.AddBan(context.Background(), store.Ban{IP: ip, Reason: "test", CreatedBy: by, Until: until})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func liftBan(t *testing.T, db *store.DB, ip, by string) {
	t.Helper()
	b, err := db.ActiveBan(context.Background(), ip)
	if err != nil {
		t.Fatalf("lift %s: %v", ip, err)
	}
	if _, err := db.LiftBan(context.Background(), b.ID, by); err != nil {
		t.Fatal(err)
	}
}

// bucketHas reports whether the fleet's bucket holds a ban on ip.
func bucketHas(t *testing.T, n *Node, ip string) bool {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	kv, err := n.js.KeyValue(ctx, bansBucket)
	if err != nil {
		t.Fatal(err)
	}
	_, err = kv.Get(ctx, banKey(ip))
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return false
	}
	if err != nil {
		t.Fatal(err)
	}
	return true
}

func TestBanKeys(t *testing.T) {
	for _, ip := range []string{"192.0.2.1", "2001:db8::7", "::1", "fe80::1%eth0.100", "fe80::1%a_b=c"} {
		key := banKey(ip)
		if !jetstreamKeyValid(key) {
			t.Errorf("banKey(%q) = %q: not a key", ip, key)
		}
		if got := keyIP(key); got != ip {
			t.Errorf("keyIP(banKey(%q)) = %q", ip, got)
		}
	}
	for _, bad := range []string{"", "nope", "192.0.2.1=", "1=G0", "2001_db8__07"} {
		if got := keyIP(bad); got != "" {
			t.Errorf("keyIP(%q) = %q, want none", bad, got)
		}
	}
}

// jetstreamKeyValid is the bucket's rule for keys.
func jetstreamKeyValid(key string) bool {
	if key == "" || key[0] == '.' || key[len(key)-1] == '.' {
		return false
	}
	for _, c := range key {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-' || c == '_' || c == '=' || c == '.' || c == '/') {
			return false
		}
	}
	return true
}

func TestBanOnOneNodeHoldsOnEveryNodeAndIsLiftedFromAny(t *testing.T) {
	_, url := startNATS(t)
	dbA, dbB := openStore(t), openStore(t)
	regB := newRegistry("b")
	a := banNode(t, url, "a", dbA, newRegistry("a"))
	closeOnce(t, a)
	closeOnce(t, banNode(t, url, "b", dbB, regB))
	mallory := addSession(regB, "mallory", "acme", "192.0.2.9")
	bystander := addSession(regB, "bob", "acme", "192.0.2.10")

	// A ban made on a (as the panel and the defender make them) refuses the
	// address on b, and b's session from it ends as banned.
	hour := time.Now().Add(time.Hour).Truncate(time.Second)
	addBan(t, dbA, "192.0.2.9", "admin", hour)
	eventually(t, "a's ban reaches b", func() bool { _, ok := banned(t, dbB, "192.0.2.9"); return ok })
	select {
	case <-mallory.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("b's session from the banned address goes on")
	}
	if got := mallory.Snapshot(time.Now()).EndReason.Kind; got != session.EndBanned {
		t.Errorf("b's session ended as %q, want %q", got, session.EndBanned)
	}
	select {
	case <-bystander.Done():
		t.Error("a session from another address ended")
	default:
	}
	if until, _ := banned(t, dbB, "192.0.2.9"); !until.Equal(hour) {
		t.Errorf("b's copy ends at %v, want %v", until, hour)
	}

	// An IPv6 ban on b, permanent, reaches a.
	addBan(t, dbB, "2001:db8::7", "admin", store.Forever)
	eventually(t, "b's IPv6 ban reaches a", func() bool { _, ok := banned(t, dbA, "2001:db8::7"); return ok })

	// A longer ban on b extends a's; a shorter one changes nothing.
	day := time.Now().Add(24 * time.Hour).Truncate(time.Second)
	addBan(t, dbB, "192.0.2.9", "admin", day)
	eventually(t, "the longer ban reaches a", func() bool { until, _ := banned(t, dbA, "192.0.2.9"); return until.Equal(day) })
	addBan(t, dbA, "192.0.2.9", "admin", hour)
	if until, _ := banned(t, dbA, "192.0.2.9"); !until.Equal(day) {
		t.Errorf("a shorter ban shortened a's: until %v", until)
	}

	// Lifted on b, made on a: gone everywhere, the bucket included.
	liftBan(t, dbB, "192.0.2.9", "admin")
	liftBan(t, dbA, "2001:db8::7", "admin")
	eventually(t, "the lifts reach the other node", func() bool {
		_, onA := banned(t, dbA, "192.0.2.9")
		_, onB := banned(t, dbB, "2001:db8::7")
		return !onA && !onB
	})
	if bucketHas(t, a, "192.0.2.9") || bucketHas(t, a, "2001:db8::7") {
		t.Error("a lifted ban stays in the bucket")
	}

	// Banned again after the lift: it holds again everywhere.
	addBan(t, dbA, "192.0.2.9", "admin", hour)
	eventually(t, "a new ban after a lift reaches b", func() bool { _, ok := banned(t, dbB, "192.0.2.9"); return ok })
}

func TestBanExpiresEverywhere(t *testing.T) {
	_, url := startNATS(t)
	dbA, dbB := openStore(t), openStore(t)
	a := banNode(t, url, "a", dbA, newRegistry("a"))
	closeOnce(t, a)
	closeOnce(t, banNode(t, url, "b", dbB, newRegistry("b")))

	addBan(t, dbA, "198.51.100.3", "defender", time.Now().Add(2*time.Second))
	eventually(t, "the short ban reaches b", func() bool { _, ok := banned(t, dbB, "198.51.100.3"); return ok })
	eventually(t, "the short ban ends on both nodes and leaves the bucket", func() bool {
		_, onA := banned(t, dbA, "198.51.100.3")
		_, onB := banned(t, dbB, "198.51.100.3")
		return !onA && !onB && !bucketHas(t, a, "198.51.100.3")
	})
}

func TestTwoNodesBanningAtOnceKeepTheLonger(t *testing.T) {
	_, url := startNATS(t)
	dbA, dbB := openStore(t), openStore(t)
	closeOnce(t, banNode(t, url, "a", dbA, newRegistry("a")))
	closeOnce(t, banNode(t, url, "b", dbB, newRegistry("b")))

	hour := time.Now().Add(time.Hour).Truncate(time.Second)
	day := time.Now().Add(24 * time.Hour).Truncate(time.Second)
	// Each address is banned on both nodes at once, the longer ban on a for
	// half of them and on b for the others.
	var ips []string
	for i := range 10 {
		ips = append(ips, "203.0.113."+strconv.Itoa(i+1))
	}
	done := make(chan error)
	for i, ip := range ips {
		onA, onB := day, hour
		if i%2 == 1 {
			onA, onB = hour, day
		}
		go func() {
			_, err := dbA.AddBan(context.Background(), store.Ban{IP: ip, CreatedBy: "admin", Until: onA})
			done <- err
		}()
		go func() {
			_, err := dbB.AddBan(context.Background(), store.Ban{IP: ip, CreatedBy: "admin", Until: onB})
			done <- err
		}()
	}
	for range 2 * len(ips) {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	eventually(t, "both nodes keep the longer ban", func() bool {
		for _, ip := range ips {
			ua, _ := banned(t, dbA, ip)
			ub, _ := banned(t, dbB, ip)
			if !ua.Equal(day) || !ub.Equal(day) {
				return false
			}
		}
		return true
	})
}

func TestBansSurviveARestart(t *testing.T) {
	_, url := startNATS(t)
	dbA, dbB := openStore(t), openStore(t)
	closeOnce(t, banNode(t, url, "a", dbA, newRegistry("a")))
	stopB := closeOnce(t, banNode(t, url, "b", dbB, newRegistry("b")))

	hour := time.Now().Add(time.Hour).Truncate(time.Second)
	addBan(t, dbA, "192.0.2.20", "admin", hour) // lifted while b is stopped
	addBan(t, dbA, "192.0.2.21", "admin", hour) // stays
	addBan(t, dbA, "192.0.2.24", "admin", hour) // lifted on b while b is stopped
	eventually(t, "b has a's bans", func() bool {
		_, l := banned(t, dbB, "192.0.2.20")
		_, s := banned(t, dbB, "192.0.2.21")
		_, o := banned(t, dbB, "192.0.2.24")
		return l && s && o
	})
	stopB()

	// While b is stopped: a lifts one ban and makes another; b's own copy
	// gets a ban and a lift made while it was away from the fleet.
	liftBan(t, dbA, "192.0.2.20", "admin")
	addBan(t, dbA, "192.0.2.22", "admin", hour)
	addBan(t, dbB, "192.0.2.23", "admin", store.Forever)
	liftBan(t, dbB, "192.0.2.24", "admin")

	b := banNode(t, url, "b", dbB, newRegistry("b"))
	closeOnce(t, b)
	eventually(t, "b, restarted, takes in what changed and sends its own", func() bool {
		_, lifted := banned(t, dbB, "192.0.2.20")
		_, stays := banned(t, dbB, "192.0.2.21")
		_, made := banned(t, dbB, "192.0.2.22")
		_, own := banned(t, dbA, "192.0.2.23")
		_, ownLift := banned(t, dbA, "192.0.2.24")
		return !lifted && stays && made && own && !ownLift
	})

	// The restarted node takes part as before.
	liftBan(t, dbB, "192.0.2.21", "admin")
	eventually(t, "a lift on the restarted node reaches a", func() bool { _, ok := banned(t, dbA, "192.0.2.21"); return !ok })
}

func TestBansMadeWhileNATSIsAwayAreSentWhenItReturns(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	listen := "127.0.0.1:" + strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	ln.Close()
	natsCfg := ServerConfig{Listen: listen, Token: "fleet-token", StoreDir: t.TempDir()}
	srv, err := StartServer(natsCfg)
	if err != nil {
		t.Fatal(err)
	}
	url := "nats://fleet-token@" + listen
	dbA, dbB := openStore(t), openStore(t)
	a := banNode(t, url, "a", dbA, newRegistry("a"))
	closeOnce(t, a)
	closeOnce(t, banNode(t, url, "b", dbB, newRegistry("b")))

	hour := time.Now().Add(time.Hour).Truncate(time.Second)
	addBan(t, dbA, "192.0.2.30", "admin", hour)
	eventually(t, "b has a's ban", func() bool { _, ok := banned(t, dbB, "192.0.2.30"); return ok })

	srv.Close()
	eventually(t, "a sees NATS gone", func() bool { return !a.Unreachable().IsZero() })
	liftBan(t, dbB, "192.0.2.30", "admin")
	addBan(t, dbA, "192.0.2.31", "defender", hour)
	if srv, err = StartServer(natsCfg); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)

	eventually(t, "the changes made while NATS was away reach the other node", func() bool {
		_, lifted := banned(t, dbA, "192.0.2.30")
		_, made := banned(t, dbB, "192.0.2.31")
		return !lifted && made
	})
}
