package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jlaffaye/ftp"

	"github.com/ftppanel/ftppanel/internal/apiclient"
)

// The soak runs FTP clients in a loop (connect, log in, upload, download, list,
// then keep the session, quit or drop it) while an admin disconnects random
// sessions in the panel. At quiet points, and at the end, it checks what a user
// or an operator would notice: the panel lists exactly the sessions the clients
// hold, every ended session has one history row and every panel disconnect one
// audit row, nothing leaks (goroutines, descriptors, passive ports, memory), and
// the server still answers.
//
// `make test` runs it for 30 s with 50 clients; `make soak` for longer with more,
// set by FTPPANEL_SOAK_DURATION, FTPPANEL_SOAK_CLIENTS and FTPPANEL_SOAK_CHECK_EVERY.

// The soak's passive ports: its own, and below the range the system hands out
// as ephemeral ports, so that other programs' listeners rarely sit among them.
const (
	soakPassiveLow  = 30000
	soakPassiveHigh = 30999
)

type soakConfig struct {
	duration   time.Duration
	clients    int
	checkEvery time.Duration
}

func soakConfigFromEnv(t *testing.T) soakConfig {
	t.Helper()
	cfg := soakConfig{duration: 30 * time.Second, clients: 50}
	if v := os.Getenv("FTPPANEL_SOAK_DURATION"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			t.Fatalf("FTPPANEL_SOAK_DURATION=%q: want a duration such as 10m", v)
		}
		cfg.duration = d
	}
	if v := os.Getenv("FTPPANEL_SOAK_CLIENTS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 2000 {
			t.Fatalf("FTPPANEL_SOAK_CLIENTS=%q: want a number from 1 to 2000", v)
		}
		cfg.clients = n
	}
	cfg.checkEvery = min(time.Minute, cfg.duration/3)
	if v := os.Getenv("FTPPANEL_SOAK_CHECK_EVERY"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			t.Fatalf("FTPPANEL_SOAK_CHECK_EVERY=%q: want a duration such as 1m", v)
		}
		cfg.checkEvery = d
	}
	return cfg
}

// soakStats are counted by the clients and the disconnecting admin.
type soakStats struct {
	sessions    atomic.Int64 // control connections opened: each is a session to the server
	logins      atomic.Int64
	uploads     atomic.Int64
	downloads   atomic.Int64
	listings    atomic.Int64
	quits       atomic.Int64
	drops       atomic.Int64 // closed without QUIT
	midDrops    atomic.Int64 // closed without QUIT in the middle of a download
	killed      atomic.Int64 // sessions the clients saw closed under them
	bytesUp     atomic.Int64
	bytesDown   atomic.Int64
	disconnects atomic.Int64 // panel disconnects answered 303
	ended404    atomic.Int64 // panel disconnects of sessions already gone
	adminNanos  atomic.Int64 // time the admin spent listing and disconnecting
}

type soak struct {
	t       *testing.T
	cfg     soakConfig
	in      *instance
	admin   *http.Client
	api     *apiclient.Client
	payload []byte
	stats   soakStats
	workers []*soakWorker

	// world is held for reading by every client step and panel disconnect, and for
	// writing by a check: taking it waits for all of them to finish what they do.
	world sync.RWMutex

	mu         sync.Mutex
	violations []string

	baseGoroutines int
	baseFDs        int
	heap           []uint64 // live heap after each check, bytes
	checks         int
	logLevels      map[string]int // server log lines by level
}

// violation records what went wrong; the soak stops at the first one.
func (s *soak) violation(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.violations) < 20 {
		s.violations = append(s.violations, fmt.Sprintf(format, args...))
	}
}

func (s *soak) failed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.violations) > 0
}

func TestSoak(t *testing.T) {
	cfg := soakConfigFromEnv(t)
	// All clients come from one address and share eight accounts: the limits
	// that would turn most of them away are off (the address may hold the whole
	// passive range), so that the churn is of sessions.
	in := start(t, "--passive-ports", fmt.Sprintf("%d-%d", soakPassiveLow, soakPassiveHigh),
		"--max-sessions", "0", "--max-sessions-per-ip", "0", "--max-sessions-per-login", "0",
		"--max-passive-per-ip", strconv.Itoa(soakPassiveHigh-soakPassiveLow+1))
	s := &soak{t: t, cfg: cfg, in: in, payload: make([]byte, 256<<10), logLevels: map[string]int{}}
	for i := range s.payload {
		s.payload[i] = byte(i * 7)
	}
	in.addCustomer("acme")
	in.addCustomer("globex")
	logins := []string{"ann", "ben", "cat", "dan", "eve", "fay", "gus", "hal"}
	for i, login := range logins {
		customer := []string{"acme", "globex"}[i%2]
		in.addFTPUser(login, customer)
		home := in.home(customer, login)
		if err := os.MkdirAll(home, 0o750); err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(home, "small.bin"), 16<<10)
		writeFile(t, filepath.Join(home, "mid.bin"), 1<<20)
		writeFile(t, filepath.Join(home, "big.bin"), 16<<20)
	}
	s.admin = in.signInAdmin().c
	api, err := apiclient.New(in.panelURL, in.apiToken("admin"))
	if err != nil {
		t.Fatal(err)
	}
	s.api = api
	for i := range cfg.clients {
		login := logins[i%len(logins)]
		s.workers = append(s.workers, &soakWorker{s: s, id: i, login: login,
			home: in.home([]string{"acme", "globex"}[i%len(logins)%2], login),
			rng:  rand.New(rand.NewPCG(uint64(i), 6))})
	}

	// Baselines after a first session and a first API call, with no session open
	// and no idle HTTP connection left.
	s.probeFTP()
	if _, err := s.apiPorts(); err != nil {
		t.Fatal(err)
	}
	s.closeIdleHTTP()
	waitFor(t, "the warm-up session to end", func() bool {
		ports, err := s.apiPorts()
		s.closeIdleHTTP()
		return err == nil && len(ports) == 0
	})
	s.baseGoroutines = runtime.NumGoroutine()
	s.baseFDs = s.descriptors()

	began := time.Now()
	defer func() { t.Log(s.summary(time.Since(began))) }()

	ctx, stop := context.WithTimeout(context.Background(), cfg.duration)
	defer stop()
	var wg sync.WaitGroup
	for _, w := range s.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				s.world.RLock()
				if ctx.Err() == nil && !s.failed() {
					w.step()
				}
				s.world.RUnlock()
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		s.disconnectRandomSessions(ctx)
	}()

	checks := time.NewTicker(cfg.checkEvery)
	defer checks.Stop()
	for running := true; running; {
		select {
		case <-ctx.Done():
			running = false
		case <-checks.C:
			if time.Until(began.Add(cfg.duration)) < cfg.checkEvery/2 {
				continue // the final check is near
			}
			s.world.Lock()
			s.check(len(s.workers) + 1) // the clients and the admin wait for the check
			s.world.Unlock()
			if s.failed() {
				stop()
			}
		}
	}
	stop()
	wg.Wait()
	if !s.failed() {
		s.check(0)
	}
	for _, v := range s.violations {
		t.Error(v)
	}
}

// check is a quiet point: no client step and no panel disconnect is under way.
// waiting is how many goroutines of the soak's own wait for it to end.
func (s *soak) check(waiting int) {
	s.checks++
	// The sessions the clients still hold, once the ones the panel closed under
	// them are found out.
	open := map[int]bool{}
	for _, w := range s.workers {
		if w.conn == nil {
			continue
		}
		if err := w.conn.NoOp(); err != nil {
			s.stats.killed.Add(1)
			w.forget()
			continue
		}
		open[w.localPort] = true
	}
	s.expectListed(open, "with the clients' sessions open")

	// Every client ends its session, half of them without QUIT.
	for i, w := range s.workers {
		if w.conn == nil {
			continue
		}
		if i%2 == 0 {
			w.quit()
		} else {
			w.drop()
		}
	}
	s.probeFTP()
	s.expectListed(map[int]bool{}, "after every client left")
	s.expectRecords()
	s.expectNoLeaks(waiting)
	s.expectQuietLog()
}

// expectQuietLog reads what the server logged since the last check: an error
// there is a violation. The log is then dropped, so that the memory it takes in
// the test does not pass for the server's.
func (s *soak) expectQuietLog() {
	for _, line := range strings.Split(s.in.stderr.take(), "\n") {
		i := strings.Index(line, " level=")
		if i < 0 {
			continue
		}
		level := strings.Fields(line[i+len(" level="):])[0]
		s.logLevels[level]++
		if level == "ERROR" {
			s.violation("check %d: the server logged an error: %.500s", s.checks, line)
		}
	}
}

// take returns what was written since the last take, and forgets it.
func (b *syncBuffer) take() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := b.buf.String()
	b.buf = bytes.Buffer{}
	return out
}

// expectListed waits until the panel's API lists exactly the sessions open at
// the clients, by their port, and records a violation if it never does.
func (s *soak) expectListed(open map[int]bool, when string) {
	var listed map[int]bool
	var err error
	deadline := time.Now().Add(10 * time.Second)
	for {
		listed, err = s.apiPorts()
		if err == nil && mapsEqual(listed, open) {
			return
		}
		if time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		s.violation("check %d, %s: the server does not answer: %v", s.checks, when, err)
		return
	}
	var ghosts, missing []int
	for p := range listed {
		if !open[p] {
			ghosts = append(ghosts, p)
		}
	}
	for p := range open {
		if !listed[p] {
			missing = append(missing, p)
		}
	}
	s.violation("check %d, %s: the panel lists %d sessions, the clients hold %d; listed but gone (client ports): %v; open but not listed: %v",
		s.checks, when, len(listed), len(open), ghosts, missing)
}

func mapsEqual(a, b map[int]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

// expectRecords checks the database once every session has ended: one history
// row per session, one audit row per panel disconnect, and history agreeing
// with the audit log.
func (s *soak) expectRecords() {
	db := openSQLite(s.t, filepath.Join(s.in.data, "ftppanel.db"))
	defer db.Close()
	count := func(query string) int {
		var n int
		if err := db.QueryRow(query).Scan(&n); err != nil {
			s.violation("check %d: %s: %v", s.checks, query, err)
		}
		return n
	}
	sessions := int(s.stats.sessions.Load())
	var rows int
	deadline := time.Now().Add(10 * time.Second)
	for {
		rows = count(`SELECT count(*) FROM session_history`)
		if rows == sessions || rows > sessions || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if rows != sessions {
		s.violation("check %d: %d sessions ended, %d history rows", s.checks, sessions, rows)
	}
	var unexpected []string
	if err := func() error {
		rows, err := db.Query(`SELECT end_reason, count(*) FROM session_history
			WHERE end_reason NOT IN ('quit', 'client dropped', 'disconnected by admin') GROUP BY end_reason`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var reason string
			var n int
			if err := rows.Scan(&reason, &n); err != nil {
				return err
			}
			unexpected = append(unexpected, fmt.Sprintf("%d %q", n, reason))
		}
		return rows.Err()
	}(); err != nil {
		s.violation("check %d: read history: %v", s.checks, err)
	}
	if len(unexpected) > 0 {
		s.violation("check %d: history rows end for reasons no client or admin gave: %s", s.checks, strings.Join(unexpected, ", "))
	}
	disconnects := int(s.stats.disconnects.Load())
	if n := count(`SELECT count(*) FROM audit_log WHERE action = 'disconnect'`); n != disconnects {
		s.violation("check %d: the panel disconnected %d sessions, the audit log has %d", s.checks, disconnects, n)
	}
	if n := count(`SELECT count(*) FROM session_history h WHERE end_reason = 'disconnected by admin'
		AND NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.action = 'disconnect' AND a.session_id = h.session_id)`); n > 0 {
		s.violation("check %d: %d sessions ended as disconnected by admin without an audit row", s.checks, n)
	}
	if n := count(`SELECT count(*) FROM audit_log a WHERE a.action = 'disconnect'
		AND NOT EXISTS (SELECT 1 FROM session_history h WHERE h.session_id = a.session_id)`); n > 0 {
		s.violation("check %d: %d disconnected sessions have no history row", s.checks, n)
	}
	if killed := s.stats.killed.Load(); killed > int64(disconnects) {
		s.violation("check %d: clients lost %d sessions, the panel disconnected only %d", s.checks, killed, disconnects)
	}
}

// expectNoLeaks waits for goroutines and descriptors to return to their
// baselines and for the passive ports to be free, and records the live heap.
func (s *soak) expectNoLeaks(waiting int) {
	s.closeIdleHTTP()
	var goroutines, fds int
	var held []int
	deadline := time.Now().Add(10 * time.Second)
	for {
		goroutines, fds, held = runtime.NumGoroutine()-waiting, s.descriptors(), passiveListeners()
		if goroutines <= s.baseGoroutines && fds <= s.baseFDs && len(held) == 0 {
			break
		}
		if time.Now().After(deadline) {
			break
		}
		s.closeIdleHTTP()
		time.Sleep(20 * time.Millisecond)
	}
	if goroutines > s.baseGoroutines {
		var dump bytes.Buffer
		pprof.Lookup("goroutine").WriteTo(&dump, 1)
		s.violation("check %d: %d goroutines, %d at the start:\n%.6000s", s.checks, goroutines, s.baseGoroutines, dump.String())
	}
	if fds > s.baseFDs {
		s.violation("check %d: %d open descriptors, %d at the start", s.checks, fds, s.baseFDs)
	}
	if len(held) > 0 {
		since := time.Now()
		for time.Since(since) < 40*time.Second && len(passiveListeners()) > 0 {
			time.Sleep(100 * time.Millisecond)
		}
		s.violation("check %d: passive ports still listening with no session: %v; %d still after %s more",
			s.checks, held, len(passiveListeners()), time.Since(since).Round(time.Second))
	}
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	s.heap = append(s.heap, m.HeapAlloc)
	// Flat: after the first check, whose heap holds the warmed-up caches, the live
	// heap may not grow by more than half again, plus 16 MiB of slack.
	if first := s.heap[0]; m.HeapAlloc > first+first/2+16<<20 {
		s.violation("check %d: live heap %d MiB, %d MiB at the first check", s.checks, m.HeapAlloc>>20, first>>20)
	}
}

// passiveListeners lists the soak's passive ports that this process listens on,
// from the kernel's socket tables;
// the tables hold every process's sockets, so only those whose inode is one of
// this process's descriptors count.
func passiveListeners() []int {
	ours := map[string]bool{}
	if fds, err := os.ReadDir("/proc/self/fd"); err == nil {
		for _, fd := range fds {
			target, _ := os.Readlink(filepath.Join("/proc/self/fd", fd.Name()))
			if inode, ok := strings.CutPrefix(target, "socket:["); ok {
				ours[strings.TrimSuffix(inode, "]")] = true
			}
		}
	}
	var held []int
	for _, table := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		f, err := os.Open(table)
		if err != nil {
			continue
		}
		lines := bufio.NewScanner(f)
		for lines.Scan() {
			// sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
			fields := strings.Fields(lines.Text())
			if len(fields) < 10 || fields[3] != "0A" || !ours[fields[9]] { // LISTEN
				continue
			}
			_, portHex, ok := strings.Cut(fields[1], ":")
			port, err := strconv.ParseUint(portHex, 16, 16)
			if ok && err == nil && port >= soakPassiveLow && port <= soakPassiveHigh {
				held = append(held, int(port))
			}
		}
		f.Close()
	}
	return held
}

// probeFTP checks that the server answers a new client.
func (s *soak) probeFTP() {
	w := &soakWorker{s: s, id: -1, login: "ann", rng: rand.New(rand.NewPCG(0, 0))}
	if err := w.connect(); err != nil {
		s.violation("check %d: a new FTP client cannot log in: %v", s.checks, err)
		return
	}
	if err := w.conn.NoOp(); err != nil {
		s.violation("check %d: a new FTP session does not answer NOOP: %v", s.checks, err)
	}
	w.quit()
}

// descriptors counts the process's open file descriptors (server and clients
// share it), leaving out the database's: its connection pool grows under load
// and keeps what it grew.
func (s *soak) descriptors() int {
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		s.t.Skipf("cannot count file descriptors here: %v", err)
	}
	n := 0
	db := filepath.Join(s.in.data, "ftppanel.db")
	for _, e := range entries {
		target, _ := os.Readlink(filepath.Join("/proc/self/fd", e.Name()))
		if !strings.HasPrefix(target, db) {
			n++
		}
	}
	return n
}

func (s *soak) closeIdleHTTP() {
	s.admin.CloseIdleConnections()
	s.api.Close()
}

// apiPorts lists the live sessions through the API, by the client's port.
func (s *soak) apiPorts() (map[int]bool, error) {
	list, err := s.api.Sessions(context.Background(), "")
	if err != nil {
		return nil, err
	}
	ports := map[int]bool{}
	for _, p := range list {
		ports[p.RemotePort] = true
	}
	return ports, nil
}

// disconnectRandomSessions is the admin: it opens the list and confirms the
// disconnect of a random row, a few times a second.
func (s *soak) disconnectRandomSessions(ctx context.Context) {
	rng := rand.New(rand.NewPCG(1, 2))
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		s.world.RLock()
		if ctx.Err() == nil && !s.failed() {
			s.disconnectOne(rng)
		}
		s.world.RUnlock()
	}
}

func (s *soak) disconnectOne(rng *rand.Rand) {
	defer func(began time.Time) { s.stats.adminNanos.Add(int64(time.Since(began))) }(time.Now())
	resp, err := s.admin.Get(s.in.panelURL + "/sessions")
	if err != nil {
		s.violation("GET /sessions: %v", err)
		return
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		s.violation("GET /sessions: status %d, %v", resp.StatusCode, err)
		return
	}
	rows := rowPattern.FindAllSubmatch(body, -1)
	if len(rows) == 0 {
		return
	}
	id := string(rows[rng.IntN(len(rows))][1])
	req, _ := http.NewRequest(http.MethodPost, s.in.panelURL+"/sessions/"+id+"/disconnect", nil)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", s.in.panelURL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err = s.admin.Do(req)
	if err != nil {
		s.violation("disconnect %s: %v", id, err)
		return
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusSeeOther:
		s.stats.disconnects.Add(1)
	case http.StatusNotFound: // it ended meanwhile
		s.stats.ended404.Add(1)
	default:
		s.violation("disconnect %s: status %d", id, resp.StatusCode)
	}
}

func (s *soak) summary(took time.Duration) string {
	st := &s.stats
	var b strings.Builder
	fmt.Fprintf(&b, "soak: %d clients for %s, %d checks\n", s.cfg.clients, took.Round(time.Second), s.checks)
	fmt.Fprintf(&b, "  sessions %d, logins %d; uploads %d (%d MiB), downloads %d (%d MiB), listings %d\n",
		st.sessions.Load(), st.logins.Load(), st.uploads.Load(), st.bytesUp.Load()>>20,
		st.downloads.Load(), st.bytesDown.Load()>>20, st.listings.Load())
	fmt.Fprintf(&b, "  ended by the clients: %d quit, %d dropped, %d dropped mid-download\n",
		st.quits.Load(), st.drops.Load(), st.midDrops.Load())
	tries := max(1, st.disconnects.Load()+st.ended404.Load())
	fmt.Fprintf(&b, "  panel disconnects %d (and %d already ended), %s each with its list; sessions the clients saw closed under them %d\n",
		st.disconnects.Load(), st.ended404.Load(), (time.Duration(st.adminNanos.Load()) / time.Duration(tries)).Round(time.Millisecond),
		st.killed.Load())
	heap := make([]string, len(s.heap))
	for i, h := range s.heap {
		heap[i] = strconv.FormatFloat(float64(h)/(1<<20), 'f', 1, 64)
	}
	fmt.Fprintf(&b, "  goroutines at the start %d, descriptors %d; live heap at each check (MiB): %s\n",
		s.baseGoroutines, s.baseFDs, strings.Join(heap, " "))
	fmt.Fprintf(&b, "  server log lines: %d INFO, %d WARN, %d ERROR\n",
		s.logLevels["INFO"], s.logLevels["WARN"], s.logLevels["ERROR"])
	if len(s.violations) == 0 {
		b.WriteString("  no violations")
	} else {
		fmt.Fprintf(&b, "  %d violations, the first: %.300s", len(s.violations), s.violations[0])
	}
	return b.String()
}

// soakWorker is one FTP client. Its fields belong to the goroutine running its
// steps, or to a check while the steps wait.
type soakWorker struct {
	s         *soak
	id        int
	login     string
	home      string
	rng       *rand.Rand
	conn      *ftp.ServerConn // nil between sessions
	control   net.Conn
	localPort int
	upload    int
}

// deadlineConn bounds every read and write, so that no client waits forever on
// a server that stopped answering: the wait becomes an error, then a violation.
type deadlineConn struct{ net.Conn }

func (c deadlineConn) Read(p []byte) (int, error) {
	c.SetReadDeadline(time.Now().Add(30 * time.Second))
	return c.Conn.Read(p)
}

func (c deadlineConn) Write(p []byte) (int, error) {
	c.SetWriteDeadline(time.Now().Add(30 * time.Second))
	return c.Conn.Write(p)
}

// connect opens a session and logs in.
func (w *soakWorker) connect() error {
	var control net.Conn
	dial := func(network, addr string) (net.Conn, error) {
		c, err := net.DialTimeout(network, addr, 10*time.Second)
		if err != nil {
			return nil, err
		}
		if control == nil {
			control = c
			w.s.stats.sessions.Add(1)
		}
		return deadlineConn{c}, nil
	}
	c, err := ftp.Dial(w.s.in.ftpAddr, ftp.DialWithDialFunc(dial), ftp.DialWithTimeout(10*time.Second))
	if err == nil {
		w.conn, w.control = c, control
		w.localPort = control.LocalAddr().(*net.TCPAddr).Port
		err = c.Login(w.login, w.login+"-password")
		if err == nil {
			w.s.stats.logins.Add(1)
			return nil
		}
	}
	if control == nil {
		return fmt.Errorf("connect: %w", err)
	}
	w.failed("log in", err)
	return err
}

// step is one turn of the client's loop.
func (w *soakWorker) step() {
	if w.conn == nil && w.connect() != nil {
		return
	}
	for n := 1 + w.rng.IntN(3); n > 0 && w.conn != nil; n-- {
		w.operate()
	}
	if w.conn == nil {
		return
	}
	switch w.rng.IntN(4) {
	case 0:
		w.quit()
	case 1:
		w.drop()
	default: // keep the session, idle, for the next turn
	}
}

func (w *soakWorker) operate() {
	s := w.s
	switch r := w.rng.IntN(10); {
	case r < 4:
		n := w.rng.IntN(len(s.payload))
		name := fmt.Sprintf("w%d-%d.bin", w.id, w.upload%4)
		w.upload++
		if err := w.conn.Stor(name, bytes.NewReader(s.payload[:n])); err != nil {
			w.failed("upload", err)
			return
		}
		s.stats.uploads.Add(1)
		s.stats.bytesUp.Add(int64(n))
		if info, err := os.Stat(filepath.Join(w.home, name)); err != nil || info.Size() != int64(n) {
			s.violation("upload of %d bytes to %s confirmed, but the file holds %v (%v)", n, name, sizeOf(info), err)
		}
	case r < 7:
		name, size := "small.bin", int64(16<<10)
		if r == 6 {
			name, size = "mid.bin", 1<<20
		}
		resp, err := w.conn.Retr(name)
		if err != nil {
			w.failed("download", err)
			return
		}
		n, err := io.Copy(io.Discard, resp)
		errClose := resp.Close()
		if err == nil && n != size {
			// A download cut short must end in an error, never in what looks
			// like a complete file.
			s.violation("download of %s ended cleanly after %d of %d bytes", name, n, size)
		}
		if err = errors.Join(err, errClose); err != nil {
			w.failed("download", err)
			return
		}
		s.stats.downloads.Add(1)
		s.stats.bytesDown.Add(n)
	case r < 9:
		if _, err := w.conn.List("/"); err != nil {
			w.failed("list", err)
			return
		}
		s.stats.listings.Add(1)
	default:
		// The client goes away in the middle of a download.
		resp, err := w.conn.Retr("big.bin")
		if err != nil {
			w.failed("download", err)
			return
		}
		io.CopyN(io.Discard, resp, 64<<10)
		w.control.Close()
		resp.Close()
		w.forget()
		s.stats.midDrops.Add(1)
	}
}

func sizeOf(info os.FileInfo) any {
	if info == nil {
		return "nothing"
	}
	return info.Size()
}

// failed handles a failed command: fine if the panel closed the session under
// the client, a violation if the session still answers.
func (w *soakWorker) failed(what string, err error) {
	if w.conn != nil && w.conn.NoOp() == nil {
		w.s.violation("%s as %s failed on a live session: %v", what, w.login, err)
	} else {
		w.s.stats.killed.Add(1)
	}
	w.forget()
}

func (w *soakWorker) quit() {
	if err := w.conn.Quit(); err != nil {
		w.s.stats.killed.Add(1) // closed by the panel first
	} else {
		w.s.stats.quits.Add(1)
	}
	w.forget()
}

func (w *soakWorker) drop() {
	w.s.stats.drops.Add(1)
	w.forget()
}

// forget closes the client's side of the session, if still open.
func (w *soakWorker) forget() {
	if w.control != nil {
		w.control.Close()
	}
	w.conn, w.control, w.localPort = nil, nil, 0
}
