package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/textproto"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jlaffaye/ftp"
	"go.uber.org/goleak"
	"golang.org/x/crypto/bcrypt"

	"github.com/ftppanel/ftppanel/internal/pgtest"
	"github.com/ftppanel/ftppanel/internal/store"
)

// TestMain fails the package when any test leaves a goroutine behind, and
// removes the PostgreSQL cluster the tests may have started.
func TestMain(m *testing.M) {
	code := m.Run()
	pgtest.Shutdown()
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintln(os.Stderr, "goleak:", err)
			code = 1
		}
	}
	os.Exit(code)
}

// testStoreEnv names the variable that runs the tests' servers and commands on
// a PostgreSQL store ("postgres") rather than DATA/ftppanel.db: make test runs
// the tests that touch the store both ways.
const testStoreEnv = "FTPPANEL_TEST_STORE"

// testDatabases holds the PostgreSQL database of each data directory; a test
// may store one there itself, to start nodes that share it (useDatabase).
var testDatabases sync.Map

// useDatabase makes the servers and commands on dataDir use the PostgreSQL database url.
func useDatabase(dataDir, url string) { testDatabases.Store(dataDir, url) }

// testDatabase returns the --database of the data directory: "" (its SQLite
// file), or under FTPPANEL_TEST_STORE=postgres a fresh PostgreSQL database, the
// same one each time for the same directory (a restarted server finds its data).
func testDatabase(t testing.TB, dataDir string) string {
	t.Helper()
	if url, ok := testDatabases.Load(dataDir); ok {
		return url.(string)
	}
	switch kind := os.Getenv(testStoreEnv); kind {
	case "", "sqlite":
		return ""
	case "postgres":
	default:
		t.Fatalf("%s=%q: want sqlite or postgres", testStoreEnv, kind)
	}
	url, _ := testDatabases.LoadOrStore(dataDir, pgtest.NewDatabase(t))
	return url.(string)
}

// storeArgs are the --database flag of the data directory's store, if it needs one.
func storeArgs(t testing.TB, dataDir string) []string {
	if url := testDatabase(t, dataDir); url != "" {
		return []string{"--database", url}
	}
	return nil
}

// openStore opens the store of the data directory, as the commands do.
func openStore(t testing.TB, dataDir string) *store.DB {
	t.Helper()
	db, err := store.OpenURL(context.Background(), testDatabase(t, dataDir), dataDir)
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// testEnv keeps password hashing cheap: bcrypt at its default cost is slow under -race.
func testEnv(name string) string {
	if name == costEnv {
		return "4"
	}
	return ""
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

// syncBuffer is a bytes.Buffer safe for one writer and concurrent readers.
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

// instance is the whole program, started with "serve" on loopback ports.
type instance struct {
	t        testing.TB
	data     string
	ftpAddr  string
	panelURL string
	adminPW  string
	stdout   *syncBuffer
	stderr   *syncBuffer
	stop     context.CancelFunc
	done     chan error
}

var listenLine = regexp.MustCompile(`FTP server listening on (\S+) .*\nWeb panel listening on (\S+)\n`)

// instances counts the servers the tests start.
var instances atomic.Int64

// start runs "ftppanel serve", with extra flags, on a fresh data directory.
func start(t testing.TB, extra ...string) *instance {
	return startIn(t, t.TempDir(), extra...)
}

// startIn runs "ftppanel serve" on dataDir, with extra flags, and stops it when
// the test ends.
func startIn(t testing.TB, dataDir string, extra ...string) *instance {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	in := &instance{t: t, data: dataDir, stdout: &syncBuffer{}, stderr: &syncBuffer{}, stop: cancel, done: make(chan error, 1)}
	// Each instance its own hundred passive ports, so that tests running in
	// parallel never hand out each other's just-released ports.
	low := 40000 + 100*int(instances.Add(1)%10)
	args := []string{"ftppanel", "serve", "--data", dataDir,
		"--ftp-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0", "--passive-ports", fmt.Sprintf("%d-%d", low, low+99),
		// Every test client comes from 127.0.0.1, and wrong passwords are tried on
		// purpose: the tests of these limits set them again, later flags winning.
		"--max-sessions-per-ip", "0", "--failed-login-delay", "0s"}
	args = append(args, storeArgs(t, dataDir)...)
	args = append(args, extra...)
	go func() { in.done <- run(ctx, args, testEnv, strings.NewReader(""), in.stdout, in.stderr) }()
	var m []string
	waitFor(t, "the server to listen", func() bool {
		select {
		case err := <-in.done:
			t.Fatalf("serve ended early: %v\nstderr:\n%s", err, in.stderr.String())
		default:
		}
		m = listenLine.FindStringSubmatch(in.stdout.String())
		return m != nil
	})
	in.ftpAddr, in.panelURL = m[1], m[2]
	if pw := regexp.MustCompile(`"admin" with password (\S+)`).FindStringSubmatch(in.stdout.String()); pw != nil {
		in.adminPW = pw[1]
	}
	t.Cleanup(in.shutdown)
	return in
}

// basePath is the panel's --base-path, "" when it is at the root.
func (in *instance) basePath() string {
	u, err := url.Parse(in.panelURL)
	if err != nil {
		in.t.Fatalf("panel URL %q: %v", in.panelURL, err)
	}
	return u.Path
}

// with returns the instance reporting failures to t, for use in a subtest.
func (in *instance) with(t testing.TB) *instance {
	c := *in
	c.t = t
	return &c
}

// shutdown stops the server as SIGINT would and checks that it exits cleanly.
func (in *instance) shutdown() {
	if in.stop == nil {
		return
	}
	in.stop()
	in.stop = nil
	select {
	case err := <-in.done:
		if err != nil {
			in.t.Errorf("serve returned %v\nstderr:\n%s", err, in.stderr.String())
		}
	case <-time.After(30 * time.Second):
		in.t.Errorf("serve did not stop")
	}
	if testDatabase(in.t, in.data) != "" {
		if _, err := os.Stat(filepath.Join(in.data, store.DatabaseFile)); err == nil {
			in.t.Errorf("%s=postgres, yet the server made %s", testStoreEnv, store.DatabaseFile)
		}
	}
}

// cli runs another subcommand against the instance's data directory.
func (in *instance) cli(stdin string, args ...string) (string, error) {
	var out syncBuffer
	args = append([]string{"ftppanel"}, append(args, "--data", in.data)...)
	args = append(args, storeArgs(in.t, in.data)...)
	err := run(context.Background(), args, testEnv, strings.NewReader(stdin), &out, &out)
	return out.String(), err
}

func (in *instance) mustCLI(stdin string, args ...string) {
	in.t.Helper()
	if out, err := in.cli(stdin, args...); err != nil {
		in.t.Fatalf("ftppanel %v: %v\n%s", args, err, out)
	}
}

// addCustomer adds a hosting customer whose panel password is NAME-password.
// It writes the store as "customer add" does, without that command's audit
// row: a test's audit log holds what the test does, not its setting up (the
// commands' own tests run them).
func (in *instance) addCustomer(name string) {
	in.t.Helper()
	in.setUp(func(db *store.DB) error { return db.AddCustomer(context.Background(), name, name+"-password") })
}

// addFTPUser adds an FTP account whose password is LOGIN-password, with its
// home, as "ftp-user add" does but without its audit row (as addCustomer).
func (in *instance) addFTPUser(login, customer string) {
	in.t.Helper()
	in.setUp(func(db *store.DB) error {
		if err := db.AddFTPAccount(context.Background(), login, customer, login+"-password"); err != nil {
			return err
		}
		return os.MkdirAll(in.home(customer, login), 0o750)
	})
}

// setUp makes a change to the instance's store for a test's setting up.
func (in *instance) setUp(change func(db *store.DB) error) {
	in.t.Helper()
	if err := os.MkdirAll(in.data, 0o750); err != nil {
		in.t.Fatal(err)
	}
	db := openStore(in.t, in.data)
	defer db.Close()
	db.PasswordCost = bcrypt.MinCost
	if err := change(db); err != nil {
		in.t.Fatal(err)
	}
}

func (in *instance) home(customer, login string) string {
	return filepath.Join(in.data, "home", customer, login)
}

// ftpLogin connects a real FTP client as LOGIN with its test password.
func (in *instance) ftpLogin(login string) *ftp.ServerConn {
	in.t.Helper()
	c, _ := in.ftpLoginConn(login)
	return c
}

// ftpLoginConn is ftpLogin that also returns the client's control connection.
func (in *instance) ftpLoginConn(login string) (*ftp.ServerConn, net.Conn) {
	in.t.Helper()
	var control net.Conn
	dial := func(network, addr string) (net.Conn, error) {
		conn, err := net.DialTimeout(network, addr, 10*time.Second)
		if control == nil {
			control = conn
		}
		return conn, err
	}
	c, err := ftp.Dial(in.ftpAddr, ftp.DialWithTimeout(10*time.Second), ftp.DialWithDialFunc(dial))
	if err != nil {
		in.t.Fatalf("dial FTP: %v", err)
	}
	if err := c.Login(login, login+"-password"); err != nil {
		c.Quit()
		in.t.Fatalf("FTP login %s: %v", login, err)
	}
	in.t.Cleanup(func() { c.Quit() })
	return c, control
}

// rawFTP is a control connection spoken to line by line, for what the FTP client
// library does not expose.
type rawFTP struct {
	t    testing.TB
	conn net.Conn
	text *textproto.Conn
}

func (in *instance) rawDial() *rawFTP {
	in.t.Helper()
	return in.rawDialFrom("127.0.0.1")
}

// rawDialFrom connects from another loopback address (127.0.0.2, ...), as a
// client on another host would.
func (in *instance) rawDialFrom(ip string) *rawFTP {
	in.t.Helper()
	d := net.Dialer{Timeout: 10 * time.Second, LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
	conn, err := d.Dial("tcp", in.ftpAddr)
	if err != nil {
		in.t.Fatalf("dial FTP from %s: %v", ip, err)
	}
	in.t.Cleanup(func() { conn.Close() })
	r := &rawFTP{t: in.t, conn: conn, text: textproto.NewConn(conn)}
	r.expect(220)
	return r
}

// with returns the connection reporting failures to t, for use in a subtest.
func (r *rawFTP) with(t testing.TB) *rawFTP {
	c := *r
	c.t = t
	return &c
}

// passiveData sends PASV and connects to the port the reply names; the data
// connection closes when the test ends.
func (r *rawFTP) passiveData() net.Conn {
	r.t.Helper()
	port := pasvPort(r.t, r.cmd(227, "PASV"))
	data, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), 10*time.Second)
	if err != nil {
		r.t.Fatalf("dial data connection: %v", err)
	}
	r.t.Cleanup(func() { data.Close() })
	return data
}

// cmd sends a command and reads the reply, checking its code.
func (r *rawFTP) cmd(code int, format string, args ...any) string {
	r.t.Helper()
	if err := r.text.PrintfLine(format, args...); err != nil {
		r.t.Fatalf("send %q: %v", format, err)
	}
	return r.expect(code)
}

func (r *rawFTP) expect(code int) string {
	r.t.Helper()
	r.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, msg, err := r.text.ReadResponse(code)
	if err != nil {
		r.t.Fatalf("want reply %d: %v", code, err)
	}
	return msg
}

// login logs in as LOGIN with its test password.
func (r *rawFTP) login(login string) {
	r.t.Helper()
	r.cmd(331, "USER %s", login)
	r.cmd(230, "PASS %s-password", login)
}

// closedByServer reports whether the server closed the control connection: a read
// ends in EOF or a reset rather than in the (generous) deadline.
func closedByServer(conn net.Conn) error {
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	buf := make([]byte, 4096)
	for {
		_, err := conn.Read(buf)
		if err == nil {
			continue // a last reply may still arrive
		}
		if ne, ok := err.(net.Error); ok && ne.Timeout() {
			return fmt.Errorf("connection still open: %w", err)
		}
		return nil
	}
}

// browser is a panel user's HTTP client: cookies kept, redirects not followed.
type browser struct {
	t    testing.TB
	base string
	c    *http.Client
}

func (in *instance) browser() *browser {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{
		Jar:     jar,
		Timeout: 20 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
	in.t.Cleanup(c.CloseIdleConnections)
	return &browser{t: in.t, base: in.panelURL, c: c}
}

// signIn returns a browser signed in to the panel.
func (in *instance) signIn(user, password string) *browser {
	in.t.Helper()
	b := in.browser()
	resp := b.post("/login", url.Values{"username": {user}, "password": {password}})
	if resp.status != http.StatusSeeOther || resp.location != in.basePath()+"/sessions" {
		in.t.Fatalf("sign in as %s: status %d, location %q\n%s", user, resp.status, resp.location, resp.body)
	}
	return b
}

func (in *instance) signInAdmin() *browser {
	in.t.Helper()
	if in.adminPW == "" {
		in.t.Fatal("no admin password was printed")
	}
	return in.signIn("admin", in.adminPW)
}

// with returns the browser reporting failures to t, for use in a subtest.
func (b *browser) with(t testing.TB) *browser {
	c := *b
	c.t = t
	return &c
}

type response struct {
	status   int
	location string
	body     string
	header   http.Header
}

func (b *browser) do(req *http.Request) response {
	b.t.Helper()
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatalf("%s %s: read body: %v", req.Method, req.URL.Path, err)
	}
	return response{status: resp.StatusCode, location: resp.Header.Get("Location"), body: string(body), header: resp.Header}
}

func (b *browser) get(path string) response {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.base+path, nil)
	return b.do(req)
}

// post sends a form as a same-origin browser would; headers are name, value pairs
// that replace the browser's, an empty value removing one.
func (b *browser) post(path string, form url.Values, headers ...string) response {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, b.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", b.base)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i+1] == "" {
			req.Header.Del(headers[i])
		} else {
			req.Header.Set(headers[i], headers[i+1])
		}
	}
	return b.do(req)
}

var rowPattern = regexp.MustCompile(`(?s)<tr data-session-id="([A-Z2-7]{26})"[^>]*>(.*?)</tr>`)

// rows returns the session rows of /sessions: ID → the row's HTML.
func (b *browser) rows() map[string]string {
	b.t.Helper()
	resp := b.get("/sessions")
	if resp.status != http.StatusOK {
		b.t.Fatalf("GET /sessions: status %d", resp.status)
	}
	out := map[string]string{}
	for _, m := range rowPattern.FindAllStringSubmatch(resp.body, -1) {
		out[m[1]] = m[2]
	}
	return out
}

// rowFor waits for the one row whose login cell is login and returns its ID and HTML.
func (b *browser) rowFor(login string) (string, string) {
	b.t.Helper()
	var id, html string
	waitFor(b.t, "a session row for "+login, func() bool {
		for rid, row := range b.rows() {
			if strings.Contains(row, `class="login">`+login+`<`) {
				id, html = rid, row
				return true
			}
		}
		return false
	})
	return id, html
}

// waitState waits until the row of session id shows state.
func (b *browser) waitState(id, state string) {
	b.t.Helper()
	waitFor(b.t, "session "+id+" to be "+state, func() bool {
		return strings.Contains(b.rows()[id], `data-state="`+state+`"`)
	})
}

// disconnect confirms a disconnect as the dialog and the confirmation page do.
func (b *browser) disconnect(id string) response {
	b.t.Helper()
	return b.post("/sessions/"+id+"/disconnect", nil)
}

// history reads the ended sessions from the store, newest first.
func (in *instance) history() []store.HistoryEntry {
	in.t.Helper()
	db := openStore(in.t, in.data)
	defer db.Close()
	entries, err := db.History(context.Background(), store.HistoryQuery{Limit: 1000})
	if err != nil {
		in.t.Fatal(err)
	}
	return entries
}

// auditEntries reads the audit log from the store.
func (in *instance) auditEntries() []store.AuditEntry {
	in.t.Helper()
	db := openStore(in.t, in.data)
	defer db.Close()
	entries, err := db.AuditEntries(context.Background(), 100)
	if err != nil {
		in.t.Fatal(err)
	}
	return entries
}

// writeFile puts a file of n bytes into a home directory.
func writeFile(t testing.TB, path string, n int) {
	t.Helper()
	block := make([]byte, 64<<10)
	for i := range block {
		block[i] = byte('a' + i%26)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for n > 0 {
		k := min(n, len(block))
		if _, err := f.Write(block[:k]); err != nil {
			t.Fatal(err)
		}
		n -= k
	}
}

// dialBanned connects from ip and returns the one line the server says before it
// closes the connection.
func (in *instance) dialBanned(ip string) string {
	in.t.Helper()
	d := net.Dialer{Timeout: 10 * time.Second, LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
	conn, err := d.Dial("tcp", in.ftpAddr)
	if err != nil {
		in.t.Fatalf("dial FTP from %s: %v", ip, err)
	}
	defer conn.Close()
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	reply, err := io.ReadAll(conn)
	if err != nil {
		in.t.Fatalf("read from a banned connection: %v", err)
	}
	if strings.Count(string(reply), "\n") != 1 {
		in.t.Fatalf("a banned connection got %q, want one line and then the end", reply)
	}
	return strings.TrimSpace(string(reply))
}

// regexpFind returns the first group of pattern in s.
func regexpFind(t testing.TB, s, pattern string) string {
	t.Helper()
	m := regexp.MustCompile(pattern).FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("no %s in:\n%s", pattern, s)
	}
	return m[1]
}
