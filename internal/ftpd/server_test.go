package ftpd

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/textproto"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jlaffaye/ftp"
	"go.uber.org/goleak"

	"github.com/ftppanel/ftppanel/internal/session"
	"github.com/ftppanel/ftppanel/internal/store"
)

// The tests here run the FTP server on its own, as ftpserverlib's tests do: a
// real server on a loopback port, with a real SQLite store and session registry,
// spoken to by a real FTP client or line by line over a raw control connection.

// TestMain fails the package when a test leaves a goroutine behind.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// testCustomer owns every account the tests add.
const testCustomer = "acme"

// testServer is a running FTP server with its store and registry.
type testServer struct {
	t        testing.TB
	srv      *Server
	db       *store.DB
	registry *session.Registry
	addr     string // host:port of the control connection
	dataDir  string
	log      *syncBuffer
}

// startServer starts an FTP server on 127.0.0.1:0 with a fresh data directory,
// changed by configure, and shuts it down when the test ends. Wrong passwords
// cost no time and never ban, unless configure says otherwise.
func startServer(t testing.TB, configure ...func(*Config)) *testServer {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	db, err := store.Open(ctx, filepath.Join(dir, "ftppanel.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.PasswordCost = 4 // bcrypt at its default cost is slow under -race
	if err := db.AddCustomer(ctx, testCustomer, "acme-password"); err != nil {
		t.Fatal(err)
	}
	registry := session.NewRegistry()
	log := &syncBuffer{}
	cfg := Config{
		Addr:     "127.0.0.1:0",
		DataDir:  dir,
		Store:    db,
		Registry: registry,
		Logger:   slog.New(slog.NewTextHandler(log, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	for _, f := range configure {
		f(&cfg)
	}
	srv, err := Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := &testServer{t: t, srv: srv, db: db, registry: registry, addr: srv.Addr().String(), dataDir: dir, log: log}
	// Registered after the store's Close, so it runs before it: the server
	// writes history until it has stopped.
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
	})
	return ts
}

// with returns the server reporting failures to t, for use in a subtest.
func (ts *testServer) with(t testing.TB) *testServer {
	c := *ts
	c.t = t
	return &c
}

// addAccount adds an FTP account of testCustomer whose password is LOGIN-password.
func (ts *testServer) addAccount(login string) {
	ts.t.Helper()
	if err := ts.db.AddFTPAccount(context.Background(), login, testCustomer, login+"-password"); err != nil {
		ts.t.Fatal(err)
	}
}

// home is the home directory of an account, made if need be.
func (ts *testServer) home(login string) string {
	ts.t.Helper()
	dir := HomeDir(ts.dataDir, testCustomer, login)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		ts.t.Fatal(err)
	}
	return dir
}

// login connects a real FTP client as LOGIN with its password; it quits when
// the test ends.
func (ts *testServer) login(login string, options ...ftp.DialOption) *ftp.ServerConn {
	ts.t.Helper()
	options = append([]ftp.DialOption{ftp.DialWithTimeout(10 * time.Second)}, options...)
	c, err := ftp.Dial(ts.addr, options...)
	if err != nil {
		ts.t.Fatalf("dial FTP: %v", err)
	}
	ts.t.Cleanup(func() { c.Quit() })
	if err := c.Login(login, login+"-password"); err != nil {
		ts.t.Fatalf("FTP login %s: %v", login, err)
	}
	return c
}

// sessionOf waits for the one session logged in as login and returns its ID.
func (ts *testServer) sessionOf(login string) string {
	ts.t.Helper()
	var id string
	waitFor(ts.t, "a session of "+login, func() bool {
		list := ts.registry.List(session.AllSessions(), session.Filter{ExactLogin: login})
		if len(list) == 1 {
			id = list[0].ID
		}
		return id != ""
	})
	return id
}

// snapshot is the session's state now; it fails the test if the session has gone.
func (ts *testServer) snapshot(id string) session.Snapshot {
	ts.t.Helper()
	snap, err := ts.registry.Get(id, session.AllSessions())
	if err != nil {
		ts.t.Fatalf("session %s: %v", id, err)
	}
	return snap
}

// waitState waits until the session is in state.
func (ts *testServer) waitState(id string, state session.State) {
	ts.t.Helper()
	waitFor(ts.t, fmt.Sprintf("session %s to be %s", id, state), func() bool {
		return ts.snapshot(id).State == state
	})
}

// disconnect is the panel's Disconnect button, pressed by alice.
func (ts *testServer) disconnect(id string) {
	ts.t.Helper()
	if _, err := ts.registry.Disconnect(id, session.AllSessions(), "alice", ""); err != nil {
		ts.t.Fatalf("disconnect %s: %v", id, err)
	}
	if _, err := ts.registry.Get(id, session.AllSessions()); err == nil {
		ts.t.Fatalf("session %s is still listed after its disconnect", id)
	}
}

// ended waits for the session to be written to history and returns the entry.
func (ts *testServer) ended(id string) store.HistoryEntry {
	ts.t.Helper()
	return ts.endedWhere("session "+id, func(e store.HistoryEntry) bool { return e.SessionID == id })
}

// endedFrom is ended for the session whose client used local as its address.
func (ts *testServer) endedFrom(local net.Addr) store.HistoryEntry {
	ts.t.Helper()
	a := local.(*net.TCPAddr)
	return ts.endedWhere("the session from "+a.String(), func(e store.HistoryEntry) bool {
		return e.RemoteIP == a.IP.String() && e.RemotePort == a.Port
	})
}

func (ts *testServer) endedWhere(what string, match func(store.HistoryEntry) bool) store.HistoryEntry {
	ts.t.Helper()
	var found store.HistoryEntry
	waitFor(ts.t, what+" in history", func() bool {
		entries, err := ts.db.History(context.Background(), store.HistoryQuery{Limit: 1000})
		if err != nil {
			ts.t.Fatal(err)
		}
		for _, e := range entries {
			if match(e) {
				found = e
				return true
			}
		}
		return false
	})
	return found
}

// rawConn is a control connection spoken to line by line, for exact replies.
type rawConn struct {
	t    testing.TB
	conn net.Conn
	text *textproto.Conn
}

// dial opens a control connection from 127.0.0.1 and reads the greeting.
func (ts *testServer) dial() *rawConn {
	ts.t.Helper()
	return ts.dialFrom("127.0.0.1")
}

// dialFrom connects from another loopback address (127.0.0.2, ...), as a client
// on another host would, and reads the greeting.
func (ts *testServer) dialFrom(ip string) *rawConn {
	ts.t.Helper()
	r := ts.connectFrom(ip)
	r.expect(220)
	return r
}

// connectFrom connects from ip and reads nothing.
func (ts *testServer) connectFrom(ip string) *rawConn {
	ts.t.Helper()
	d := net.Dialer{Timeout: 10 * time.Second, LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
	conn, err := d.Dial("tcp", ts.addr)
	if err != nil {
		ts.t.Fatalf("dial FTP from %s: %v", ip, err)
	}
	ts.t.Cleanup(func() { conn.Close() })
	return &rawConn{t: ts.t, conn: conn, text: textproto.NewConn(conn)}
}

// send sends a command without reading its reply.
func (r *rawConn) send(format string, args ...any) {
	r.t.Helper()
	if err := r.text.PrintfLine(format, args...); err != nil {
		r.t.Fatalf("send %q: %v", format, err)
	}
}

// cmd sends a command and reads its reply, checking the code.
func (r *rawConn) cmd(code int, format string, args ...any) string {
	r.t.Helper()
	r.send(format, args...)
	return r.expect(code)
}

func (r *rawConn) expect(code int) string {
	r.t.Helper()
	r.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, msg, err := r.text.ReadResponse(code)
	if err != nil {
		r.t.Fatalf("want reply %d: %v", code, err)
	}
	return msg
}

// line reads one line of reply as it is.
func (r *rawConn) line() string {
	r.t.Helper()
	r.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	line, err := r.text.ReadLine()
	if err != nil {
		r.t.Fatalf("read a reply: %v", err)
	}
	return line
}

// login logs in as LOGIN with its password.
func (r *rawConn) login(login string) {
	r.t.Helper()
	r.cmd(331, "USER %s", login)
	r.cmd(230, "PASS %s-password", login)
}

// closed reports whether the server closed the connection: a read ends in EOF or
// a reset rather than in the (generous) deadline. Replies still on the way are
// read and dropped.
func (r *rawConn) closed() error {
	r.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	buf := make([]byte, 4096)
	for {
		_, err := r.text.R.Read(buf)
		if err == nil {
			continue
		}
		if errors.Is(err, os.ErrDeadlineExceeded) {
			return fmt.Errorf("connection still open: %w", err)
		}
		return nil
	}
}

// pasv sends PASV and returns the address the reply names.
func (r *rawConn) pasv() (host string, port int) {
	r.t.Helper()
	reply := r.cmd(227, "PASV")
	open, end := strings.IndexByte(reply, '('), strings.IndexByte(reply, ')')
	if open < 0 || end < open {
		r.t.Fatalf("not a PASV reply: %q", reply)
	}
	f := strings.Split(reply[open+1:end], ",")
	if len(f) != 6 {
		r.t.Fatalf("not a PASV reply: %q", reply)
	}
	hi, err1 := strconv.Atoi(f[4])
	lo, err2 := strconv.Atoi(f[5])
	if err1 != nil || err2 != nil {
		r.t.Fatalf("not a PASV reply: %q", reply)
	}
	return strings.Join(f[:4], "."), hi*256 + lo
}

// epsv sends EPSV and returns the port the reply names.
func (r *rawConn) epsv() int {
	r.t.Helper()
	reply := r.cmd(229, "EPSV")
	open := strings.Index(reply, "(|||")
	if open < 0 {
		r.t.Fatalf("not an EPSV reply: %q", reply)
	}
	rest := reply[open+4:]
	end := strings.IndexByte(rest, '|')
	port, err := strconv.Atoi(rest[:max(end, 0)])
	if end < 0 || err != nil {
		r.t.Fatalf("not an EPSV reply: %q", reply)
	}
	return port
}

// dataConn connects to a passive port on the server's address; it closes when
// the test ends.
func (ts *testServer) dataConn(port int) net.Conn {
	ts.t.Helper()
	c, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), 10*time.Second)
	if err != nil {
		ts.t.Fatalf("dial data connection: %v", err)
	}
	ts.t.Cleanup(func() { c.Close() })
	return c
}

// waitPortFree waits until nothing listens on the passive port any more. It
// probes by binding the port: connecting would hand a server waiting in accept
// the data connection it waits for, and end that wait by itself.
func waitPortFree(t testing.TB, port int) {
	t.Helper()
	waitFor(t, fmt.Sprintf("passive port %d to be released", port), func() bool {
		ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		if err != nil {
			return false
		}
		ln.Close()
		return true
	})
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// writeFile puts a file of n bytes at path.
func writeFile(t testing.TB, path string, n int) {
	t.Helper()
	if err := os.WriteFile(path, bytes.Repeat([]byte("abcdefghijklmnopqrstuvwxyz"), n/26+1)[:n], 0o640); err != nil {
		t.Fatal(err)
	}
}

// syncBuffer is a buffer safe for one writer and concurrent readers: the log.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
