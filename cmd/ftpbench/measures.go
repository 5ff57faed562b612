package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

var allMeasures = []string{"retr", "retr-curl", "retr-lftp", "stor", "retr-parallel", "retr-parallel-curl", "retr-parallel-lftp", "small-files", "logins", "idle-memory", "list", "disconnect", "push", "fleet"}

type bench struct {
	cfg           config
	bin, dir, big string // the ftppanel binary, the temporary directory, the shared file
	vsftpdBin     string
	dirs          int
	machine       machine
	panel         *panelServer
	vsftpd        *server // nil when left out
	vsftpdVersion string
	skipped       string
	notes         []string
	rows          []row
	took          time.Duration
	work          float64 // what the last round did, in the unit its CPU time is given per
	// cpuAfter is the server's CPU time read when the last round's work was done
	// and its sessions still open (so none of their processes has exited), or 0.
	cpuAfter time.Duration
	// cpuBefore, when the last round set it, is the server's CPU time read once
	// its clients had logged in: a first login's bcrypt is no transfer's work.
	cpuBefore time.Duration
}

func (b *bench) measure(ctx context.Context, name string) error {
	switch name {
	case "retr":
		return b.alternate(ctx, row{measure: fmt.Sprintf("RETR of a %s file from page cache, one client", b.cfg.fileSize),
			target: "at least vsftpd's speed", unit: "GB/s", higherIsBetter: true, wantRatio: 1, cpuUnit: "s/GB", cpuScale: 1}, b.retrOnce)
	case "stor":
		return b.alternate(ctx, row{measure: fmt.Sprintf("STOR of %s, one client", b.cfg.fileSize),
			target: "at least vsftpd's speed", unit: "GB/s", higherIsBetter: true, wantRatio: 1, cpuUnit: "s/GB", cpuScale: 1}, b.storOnce)
	case "retr-parallel":
		return b.alternate(ctx, row{measure: fmt.Sprintf("%d parallel RETR of the %s file, aggregate", b.cfg.parallel, b.cfg.fileSize),
			target: "at least vsftpd's aggregate", unit: "GB/s", higherIsBetter: true, wantRatio: 1, cpuUnit: "s/GB", cpuScale: 1}, b.retrParallel)
	case "retr-curl", "retr-lftp", "retr-parallel-curl", "retr-parallel-lftp":
		t, n := curlTool, 1
		if strings.HasSuffix(name, "lftp") {
			t = lftpTool
		}
		what := fmt.Sprintf("RETR of a %s file with %s, one client", b.cfg.fileSize, t.name)
		if strings.HasPrefix(name, "retr-parallel") {
			n = b.cfg.parallel
			what = fmt.Sprintf("%d parallel RETR of the %s file with %s, aggregate", n, b.cfg.fileSize, t.name)
		}
		return b.alternate(ctx, row{measure: what, target: "at least vsftpd's speed", unit: "GB/s",
			higherIsBetter: true, wantRatio: 1}, b.toolRetr(t, n))
	case "logins":
		return b.alternate(ctx, row{measure: fmt.Sprintf("logins per second, %d clients repeating logins (ftppanel: bcrypt cost %d; vsftpd: anonymous, no password check)",
			b.cfg.loginClients, b.cfg.bcryptCost),
			target: "at least vsftpd's", unit: "logins/s", higherIsBetter: true, wantRatio: 1}, b.logins)
	case "small-files":
		return b.smallFilesMeasure(ctx)
	case "idle-memory":
		return b.idleMemoryMeasure(ctx)
	case "list":
		return b.listSessions(ctx)
	case "disconnect":
		return b.disconnectLatency(ctx)
	case "push":
		return b.pushDelay(ctx)
	case "fleet":
		return b.fleetMeasure(ctx)
	}
	return fmt.Errorf("unknown measure %q", name)
}

// alternate runs a measure on each server, several rounds, changing which
// server goes first each round.
func (b *bench) alternate(ctx context.Context, r row, once func(*server) (float64, error)) error {
	servers := []*server{&b.panel.server}
	if b.vsftpd != nil {
		servers = append(servers, b.vsftpd)
	}
	r.values = map[string][]float64{}
	r.cpu = map[string][]float64{}
	rounds := r.rounds
	if rounds == 0 {
		rounds = b.cfg.rounds
	}
	for round := range rounds {
		for i := range servers {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			s := servers[(i+round)%len(servers)]
			b.work, b.cpuAfter, b.cpuBefore = 0, 0, 0
			cpuBefore := cpuTime(s)
			v, err := once(s)
			if b.cpuBefore != 0 {
				cpuBefore = b.cpuBefore
			}
			if err != nil {
				return fmt.Errorf("%s: %w", s.name, err)
			}
			if b.work > 0 {
				cpuAfter := b.cpuAfter
				if cpuAfter == 0 {
					// Read once the sessions are over: vsftpd's count when their
					// processes have been reaped.
					if s.name == "vsftpd" {
						if err := b.sessionsGone(s); err != nil {
							return err
						}
					}
					cpuAfter = cpuTime(s)
				} else if s.name == "vsftpd" {
					if err := b.sessionsGone(s); err != nil {
						return err
					}
					fmt.Fprintf(os.Stderr, "  (vsftpd CPU as measured %.3g s; as its listener counts it once its sessions are reaped, %.3g s)\n",
						(cpuAfter - cpuBefore).Seconds(), (cpuTime(s) - cpuBefore).Seconds())
				}
				cpu := (cpuAfter - cpuBefore).Seconds() / b.work * r.cpuScale
				r.cpu[s.name] = append(r.cpu[s.name], cpu)
				fmt.Fprintf(os.Stderr, "  round %d, %s: %.3g %s, CPU %.3g %s\n", round+1, s.name, v, r.unit, cpu, r.cpuUnit)
			} else {
				fmt.Fprintf(os.Stderr, "  round %d, %s: %.3g %s\n", round+1, s.name, v, r.unit)
			}
			r.values[s.name] = append(r.values[s.name], v)
		}
	}
	b.rows = append(b.rows, r)
	return nil
}

func (b *bench) login(s *server, i int) (*ftpConn, error) {
	c, err := dialFTP(s.addr)
	if err != nil {
		return nil, err
	}
	user, pass := s.account(i)
	if err := c.login(user, pass); err != nil {
		c.close()
		return nil, err
	}
	return c, nil
}

func (b *bench) retrOnce(s *server) (float64, error) {
	c, err := b.login(s, 0)
	if err != nil {
		return 0, err
	}
	defer c.quit()
	buf := make([]byte, 1<<20)
	b.cpuBefore = cpuTime(s)
	start := time.Now()
	n, err := c.retr(s.bigFile, buf)
	took := time.Since(start)
	if err != nil {
		return 0, err
	}
	if n != int64(b.cfg.fileSize) {
		return 0, fmt.Errorf("RETR gave %d bytes, want %d", n, int64(b.cfg.fileSize))
	}
	b.work, b.cpuAfter = float64(n)/1e9, cpuTime(s)
	return float64(n) / took.Seconds() / 1e9, nil
}

func (b *bench) storOnce(s *server) (float64, error) {
	c, err := b.login(s, 0)
	if err != nil {
		return 0, err
	}
	defer c.quit()
	block := make([]byte, 1<<20)
	for i := range block {
		block[i] = byte(i*31 + i>>8)
	}
	size := int64(b.cfg.fileSize)
	b.cpuBefore = cpuTime(s)
	start := time.Now()
	err = c.stor(s.storName, size, block)
	took := time.Since(start)
	if err != nil {
		return 0, err
	}
	info, err := os.Stat(s.storPath)
	if err != nil || info.Size() != size {
		return 0, fmt.Errorf("STOR confirmed, but the file holds %v bytes (%v), want %d", info.Size(), err, size)
	}
	// Removed at once, so that the kernel never writes it out behind the next measure.
	b.work, b.cpuAfter = float64(size)/1e9, cpuTime(s)
	os.Remove(s.storPath)
	return float64(size) / took.Seconds() / 1e9, nil
}

func (b *bench) retrParallel(s *server) (float64, error) {
	n := b.cfg.parallel
	conns := make([]*ftpConn, n)
	for i := range conns {
		c, err := b.login(s, i)
		if err != nil {
			return 0, err
		}
		defer c.quit()
		conns[i] = c
	}
	var wg sync.WaitGroup
	errs := make([]error, n)
	b.cpuBefore = cpuTime(s)
	start := time.Now()
	for i, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, err := c.retr(s.bigFile, make([]byte, 1<<20))
			if err == nil && got != int64(b.cfg.fileSize) {
				err = fmt.Errorf("RETR gave %d bytes", got)
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	took := time.Since(start)
	if err := errors.Join(errs...); err != nil {
		return 0, err
	}
	b.work, b.cpuAfter = float64(n)*float64(b.cfg.fileSize)/1e9, cpuTime(s)
	return float64(n) * float64(b.cfg.fileSize) / took.Seconds() / 1e9, nil
}

// logins counts complete logins (connect, greeting, USER, PASS, QUIT) per
// second. Each client first logs in once: what is measured is repeat logins.
func (b *bench) logins(s *server) (float64, error) {
	for i := range b.cfg.loginClients {
		c, err := b.login(s, i)
		if err != nil {
			return 0, err
		}
		c.quit()
	}
	var count atomic.Int64
	var wg sync.WaitGroup
	errs := make([]error, b.cfg.loginClients)
	start := time.Now()
	deadline := start.Add(b.cfg.loginTime)
	for i := range b.cfg.loginClients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				c, err := dialFTP(s.addr)
				if err != nil {
					errs[i] = err
					return
				}
				user, pass := s.account(i)
				_, err = c.cmd(331, "USER %s", user)
				if err == nil {
					_, err = c.cmd(230, "PASS %s", pass)
				}
				if err == nil {
					err = c.quit()
				}
				c.close()
				if err != nil {
					errs[i] = err
					return
				}
				count.Add(1)
			}
		}()
	}
	wg.Wait()
	took := time.Since(start)
	if err := errors.Join(errs...); err != nil {
		return 0, err
	}
	// No CPU time: vsftpd's ended sessions would count only as far as its
	// processes reap one another.
	return float64(count.Load()) / took.Seconds(), nil
}

// openSessions logs in n idle sessions, several at once.
func (b *bench) openSessions(s *server, n int) ([]*ftpConn, error) {
	return b.openSessionsLoggingIn(s, n, n)
}

// openSessionsLoggingIn opens n idle sessions of which the first loggedIn log in;
// the others stay connected without logging in.
func (b *bench) openSessionsLoggingIn(s *server, n, loggedIn int) ([]*ftpConn, error) {
	conns := make([]*ftpConn, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make([]error, b.cfg.sessionOpener)
	for w := range b.cfg.sessionOpener {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				c, err := dialFTP(s.addr)
				if err == nil && i < loggedIn {
					user, pass := s.account(i)
					if _, err = c.cmd(331, "USER %s", user); err == nil {
						_, err = c.cmd(230, "PASS %s", pass)
					}
					if err != nil {
						c.close()
					}
				}
				if err != nil {
					errs[w] = fmt.Errorf("session %d: %w", i, err)
					return
				}
				conns[i] = c
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		closeAll(conns)
		return nil, err
	}
	return conns, nil
}

func closeAll(conns []*ftpConn) {
	for _, c := range conns {
		if c != nil {
			c.close()
		}
	}
}

// settledMemory reads the memory of the server's processes a few times, until
// two readings agree within 1%, and returns the last.
func settledMemory(s *server) (pss, rss int64) {
	pss, rss = memory(processTree(s.pid()))
	for range 20 {
		time.Sleep(250 * time.Millisecond)
		p, r := memory(processTree(s.pid()))
		stable := p-pss < pss/100 && pss-p < pss/100
		pss, rss = p, r
		if stable {
			break
		}
	}
	return pss, rss
}

// sessionsGone waits until the server has let go of every session.
func (b *bench) sessionsGone(s *server) error {
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		if s.name == "vsftpd" {
			if len(processTree(s.pid())) == 1 {
				return nil
			}
		} else if ids, err := b.panel.sessionIDs(); err == nil && len(ids) == 0 {
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return errors.New("sessions still open a minute after their clients left")
}

// freshDir is a new directory for a server's files.
func (b *bench) freshDir() string {
	b.dirs++
	dir := filepath.Join(b.dir, "server-"+strconv.Itoa(b.dirs))
	os.MkdirAll(dir, 0o755)
	return dir
}

// restart replaces a server with a fresh process, on fresh files.
func (b *bench) restart(ctx context.Context, s *server) (*server, error) {
	if b.panel != nil && s == &b.panel.server {
		b.panel.stop() // and its API client
	} else {
		s.stop()
	}
	if s.name == "vsftpd" {
		vs, err := startVsftpd(b.vsftpdBin, b.freshDir(), b.big)
		if err != nil {
			return nil, err
		}
		b.vsftpd = vs
		return vs, nil
	}
	p, err := startFTPPanel(ctx, b.bin, b.freshDir(), b.big, b.cfg.bcryptCost)
	if err != nil {
		return nil, err
	}
	b.panel = p
	return &p.server, nil
}

// idleMemoryMeasure measures each server freshly started, each round: a Go
// program reuses the memory earlier sessions freed, which would hide the cost
// of new ones.
func (b *bench) idleMemoryMeasure(ctx context.Context) error {
	r := row{measure: fmt.Sprintf("memory per idle logged-in session, %d sessions (PSS of all the server's processes, before and after, each read after 15 s idle; each server freshly started)", b.cfg.idleSessions),
		target: "at most 20 KiB", unit: "KiB", wantMax: 20, values: map[string][]float64{}}
	for round := range min(b.cfg.rounds, 2) {
		names := []string{"ftppanel"}
		if b.vsftpd != nil {
			names = append(names, "vsftpd")
		}
		for i := range names {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			old := &b.panel.server
			if names[(i+round)%len(names)] == "vsftpd" {
				old = b.vsftpd
			}
			s, err := b.restart(ctx, old)
			if err != nil {
				return err
			}
			v, err := b.idleMemory(s)
			if err != nil {
				return fmt.Errorf("%s: %w", s.name, err)
			}
			fmt.Fprintf(os.Stderr, "  round %d, %s: %.3g KiB\n", round+1, s.name, v)
			r.values[s.name] = append(r.values[s.name], v)
		}
	}
	b.rows = append(b.rows, r)
	return nil
}

// idleSettle is how long the memory measure lets each server sit idle before
// reading its memory: what an idle server keeps, rather than the peak of the
// logins. It is longer than the 10 s within which ftppanel, once quiet, gives
// back memory its heap no longer needs.
const idleSettle = 15 * time.Second

func (b *bench) idleMemory(s *server) (float64, error) {
	// Warm up: the first sessions grow pools and caches once.
	warm, err := b.openSessions(s, min(50, b.cfg.idleSessions))
	if err != nil {
		return 0, err
	}
	closeAll(warm)
	if err := b.sessionsGone(s); err != nil {
		return 0, err
	}
	time.Sleep(idleSettle)
	before, _ := settledMemory(s)
	conns, err := b.openSessions(s, b.cfg.idleSessions)
	if err != nil {
		return 0, err
	}
	peak, _ := memory(processTree(s.pid()))
	time.Sleep(idleSettle)
	after, _ := settledMemory(s)
	fmt.Fprintf(os.Stderr, "  %s: %.3g KiB per session right after the logins, %.3g KiB %s later\n", s.name,
		float64(peak-before)/float64(b.cfg.idleSessions)/1024, float64(after-before)/float64(b.cfg.idleSessions)/1024, idleSettle)
	closeAll(conns)
	if err := b.sessionsGone(s); err != nil {
		return 0, err
	}
	return float64(after-before) / float64(b.cfg.idleSessions) / 1024, nil
}

// fileLimit is a process's limit of open descriptors.
func fileLimit(pid int) int {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/limits")
	if err != nil {
		return 1 << 20
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "Max open files"); ok {
			if f := strings.Fields(rest); len(f) > 0 {
				if n, err := strconv.Atoi(f[0]); err == nil {
					return n
				}
			}
		}
	}
	return 1 << 20
}

// sessionIDs lists the live sessions through the API: session ID by the
// client's port.
func (p *panelServer) sessionIDs() (map[int]string, error) {
	list, err := p.api.Sessions(context.Background(), "")
	if err != nil {
		return nil, err
	}
	ids := map[int]string{}
	for _, s := range list {
		ids[s.RemotePort] = s.ID
	}
	return ids, nil
}

var rowPattern = regexp.MustCompile(`<tr data-session-id="`)

// loginsFitting is how many of n idle sessions can log in on ftppanel while it
// holds other descriptors besides: a logged-in session holds two (its socket and
// its home directory), one not logged in holds one, and 1,000 are left for the
// database, the panel and the clients of the measure.
func (b *bench) loginsFitting(n, other int) int {
	return max(0, min(n, fileLimit(b.panel.pid())-n-other-1000))
}

// listSessions times GET /sessions (its first page) and GET /api/v1/sessions
// (everything) with listSessions idle sessions open.
func (b *bench) listSessions(ctx context.Context) error {
	p := b.panel
	n := b.cfg.listSessions
	loggedIn := b.loginsFitting(n, 0)
	if loggedIn < n {
		b.notes = append(b.notes, fmt.Sprintf("The lists hold %d sessions logged in and %d connected but not logged in: "+
			"ftppanel may open %d descriptors here, and a logged-in session holds two.", loggedIn, n-loggedIn, fileLimit(p.pid())))
	}
	conns, err := b.openSessionsLoggingIn(&p.server, n, loggedIn)
	if err != nil {
		return err
	}
	defer func() {
		closeAll(conns)
		b.sessionsGone(&p.server)
	}()
	pageRows := min(100, b.cfg.listSessions)
	page := func() (time.Duration, error) {
		start := time.Now()
		resp, err := p.admin.Get(p.panelURL + "/sessions")
		if err != nil {
			return 0, err
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		took := time.Since(start)
		if err != nil || resp.StatusCode != http.StatusOK {
			return 0, fmt.Errorf("GET /sessions: status %d, %v", resp.StatusCode, err)
		}
		if n := len(rowPattern.FindAllIndex(body, -1)); n != pageRows {
			return 0, fmt.Errorf("GET /sessions shows %d rows, want %d", n, pageRows)
		}
		return took, nil
	}
	api := func() (time.Duration, error) {
		start := time.Now()
		body, err := p.api.SessionsJSON(ctx, "")
		took := time.Since(start)
		if err != nil {
			return 0, fmt.Errorf("GET /api/v1/sessions: %w", err)
		}
		if n := bytes.Count(body, []byte(`"remote_port"`)); n != b.cfg.listSessions {
			return 0, fmt.Errorf("GET /api/v1/sessions lists %d sessions, want %d", n, b.cfg.listSessions)
		}
		return took, nil
	}
	for _, m := range []struct {
		name, target string
		limit        time.Duration
		get          func() (time.Duration, error)
	}{
		{fmt.Sprintf("GET /sessions with %d sessions (first page, %d rows)", b.cfg.listSessions, pageRows), "p99 under 25 ms", 25 * time.Millisecond, page},
		{fmt.Sprintf("GET /api/v1/sessions, all %d sessions as JSON", b.cfg.listSessions), "p99 under 50 ms", 50 * time.Millisecond, api},
	} {
		for range 5 { // warm up
			if _, err := m.get(); err != nil {
				return err
			}
		}
		var took []time.Duration
		cpuBefore := cpuTime(&p.server)
		for range b.cfg.listRequests {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			d, err := m.get()
			if err != nil {
				return err
			}
			took = append(took, d)
		}
		cpu := (cpuTime(&p.server) - cpuBefore) / time.Duration(b.cfg.listRequests)
		r := latencyRow(m.name, m.target, took)
		r.p99Limit = m.limit
		r.note = fmt.Sprintf("server CPU %s per request", ms(cpu))
		fmt.Fprintf(os.Stderr, "  %s: %s\n", m.name, r.cell())
		b.rows = append(b.rows, r)
	}
	return nil
}

// download is a client downloading big.bin over and over at a fixed rate. A
// goroutine of its own reads the control connection, so that it sees the
// connection close the moment it does, whatever the download is doing.
type download struct {
	c        *ftpConn
	port     int
	id       string
	replies  chan reply
	closed   chan struct{}
	closedAt time.Time // valid once closed is
	done     chan struct{}

	mu   sync.Mutex
	data net.Conn // the current file's data connection
}

// dropData closes the download's data connection from the client's side.
func (d *download) dropData() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.data != nil {
		d.data.Close()
	}
}

type reply struct {
	code int
	msg  string
}

// startDownload logs in a client that downloads big.bin over and over, at rate
// bytes a second.
func (b *bench) startDownload(s *server, i int, rate size) (*download, error) {
	c, err := b.login(s, i)
	if err != nil {
		return nil, err
	}
	d := &download{c: c, port: c.conn.LocalAddr().(*net.TCPAddr).Port,
		replies: make(chan reply), closed: make(chan struct{}), done: make(chan struct{})}
	go func() {
		for {
			c.conn.SetReadDeadline(time.Time{})
			code, msg, err := c.text.ReadResponse(0)
			if err != nil {
				d.closedAt = time.Now()
				close(d.closed)
				return
			}
			select {
			case d.replies <- reply{code, msg}:
			case <-d.closed:
			}
		}
	}()
	go func() {
		defer close(d.done)
		buf := make([]byte, 64<<10)
		for {
			if err := d.retr(buf, float64(rate)); err != nil {
				return
			}
		}
	}()
	return d, nil
}

func (d *download) await(code int) (string, error) {
	select {
	case r := <-d.replies:
		if r.code/100 != code/100 {
			return "", fmt.Errorf("reply %d %s, want %d", r.code, r.msg, code)
		}
		return r.msg, nil
	case <-d.closed:
		return "", net.ErrClosed
	}
}

func (d *download) send(line string) error {
	d.c.conn.SetWriteDeadline(time.Now().Add(ioTimeout))
	return d.c.text.PrintfLine("%s", line)
}

// retr downloads big.bin once, at rate bytes a second.
func (d *download) retr(buf []byte, rate float64) error {
	if err := d.send("EPSV"); err != nil {
		return err
	}
	msg, err := d.await(229)
	if err != nil {
		return err
	}
	open := strings.Index(msg, "(|||")
	if open < 0 {
		return fmt.Errorf("EPSV reply %q", msg)
	}
	port, _ := strconv.Atoi(strings.TrimSuffix(msg[open+4:strings.LastIndexByte(msg, ')')], "|"))
	data, err := net.Dial("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return err
	}
	defer data.Close()
	d.mu.Lock()
	d.data = data
	d.mu.Unlock()
	if err := d.send("RETR big.bin"); err != nil {
		return err
	}
	if _, err := d.await(150); err != nil {
		return err
	}
	start, n := time.Now(), 0
	for {
		k, err := data.Read(buf)
		n += k
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		if ahead := time.Duration(float64(n)/rate*float64(time.Second)) - time.Since(start); ahead > 0 {
			time.Sleep(ahead)
		}
	}
	_, err = d.await(226)
	return err
}

// disconnectLatency confirms disconnects in the panel, one at a time, while
// transfers downloads run, and times the panel's answer (it answers once the
// session is gone) and the moment the client's control connection closes.
func (b *bench) disconnectLatency(ctx context.Context) error {
	p := b.panel
	running := make([]*download, b.cfg.transfers)
	defer func() {
		for _, d := range running {
			if d != nil {
				d.c.close()
				<-d.done
			}
		}
	}()
	start := func(i int) error {
		d, err := b.startDownload(&p.server, i, b.cfg.transferRate)
		if err != nil {
			return err
		}
		running[i] = d
		return nil
	}
	for i := range running {
		if err := start(i); err != nil {
			return err
		}
	}
	identify := func() error {
		deadline := time.Now().Add(30 * time.Second)
		for {
			ids, err := p.sessionIDs()
			if err != nil {
				return err
			}
			missing := 0
			for _, d := range running {
				if d.id = ids[d.port]; d.id == "" {
					missing++
				}
			}
			if missing == 0 {
				return nil
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("%d downloads not listed by the API", missing)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	if err := identify(); err != nil {
		return err
	}
	var post, client []time.Duration
	for i := range b.cfg.disconnects {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		k := i % len(running)
		d := running[k]
		answered, closed, err := p.timedDisconnect(d)
		if err != nil {
			return err
		}
		post, client = append(post, answered), append(client, closed)
		d.c.close()
		<-d.done
		if err := start(k); err != nil {
			return err
		}
		if err := identify(); err != nil {
			return err
		}
	}
	what := fmt.Sprintf("disconnect while %d downloads run at %s/s each: ", b.cfg.transfers, b.cfg.transferRate)
	r := latencyRow(what+"confirming POST answered (the session is gone by then)", "p99 under 5 ms", post)
	r.p99Limit = 5 * time.Millisecond
	b.rows = append(b.rows, r)
	r = latencyRow(what+"the client sees its control connection close", "p99 under 50 ms", client)
	r.p99Limit = 50 * time.Millisecond
	b.rows = append(b.rows, r)
	fmt.Fprintf(os.Stderr, "  POST %s; client %s\n", b.rows[len(b.rows)-2].cell(), r.cell())
	return nil
}

// timedDisconnect confirms the disconnect of a download's session on this
// panel, as the dialog does, and returns how long the panel took to answer and
// how long until the client saw its control connection close, both from the
// POST.
func (p *panelServer) timedDisconnect(d *download) (answered, closed time.Duration, err error) {
	req, _ := http.NewRequest(http.MethodPost, p.panelURL+"/sessions/"+d.id+"/disconnect", nil)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", p.panelURL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	began := time.Now()
	resp, err := p.admin.Do(req)
	answered = time.Since(began)
	if err != nil {
		return 0, 0, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return 0, 0, fmt.Errorf("disconnect: status %d", resp.StatusCode)
	}
	select {
	case <-d.closed:
	case <-time.After(10 * time.Second):
		return 0, 0, errors.New("a disconnected client's control connection stayed open for 10 s")
	}
	return answered, d.closedAt.Sub(began), nil
}
