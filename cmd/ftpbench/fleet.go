package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ftppanel/ftppanel/internal/fleet"
)

// fleetNames are the fleet's nodes: the admin works on a, the sessions acted on
// are b's and c's.
var fleetNames = []string{"a", "b", "c"}

// fleetToken is what the benchmark's NATS servers ask of the nodes.
const fleetToken = "ftpbench-fleet-token"

// fleetRun is a fleet under measure: NATS servers in this process, and the
// nodes as ftppanel processes, each with its idle sessions.
type fleetRun struct {
	b       *bench
	label   string // how NATS runs, for the report
	nats    []*fleet.Server
	nodes   []*panelServer // in the order of fleetNames
	n       int            // idle sessions per node
	idle    [][]*ftpConn   // by node
	running []*download    // downloads, on node i%3
}

// fleetMeasure measures a fleet of three nodes on one NATS server, then on a
// cluster of three.
func (b *bench) fleetMeasure(ctx context.Context) error {
	for _, cluster := range []bool{false, true} {
		if err := b.fleetOnce(ctx, cluster); err != nil {
			return err
		}
	}
	return nil
}

func (b *bench) fleetOnce(ctx context.Context, cluster bool) (err error) {
	f := &fleetRun{b: b, label: "one NATS server"}
	if cluster {
		f.label = "a three-server NATS cluster"
	}
	fmt.Fprintf(os.Stderr, "  fleet on %s\n", f.label)
	defer func() {
		if err != nil {
			err = fmt.Errorf("fleet on %s: %w%s", f.label, err, f.logs())
		}
		f.close()
	}()
	url, err := f.startNATS(cluster)
	if err != nil {
		return err
	}
	for i, name := range fleetNames {
		node, err := startPanel(ctx, b.bin, b.freshDir(), b.big, b.cfg.bcryptCost, panelSetup{
			prefix: name + "-", passive: fmt.Sprintf("%d-%d", 45000+1000*i, 45999+1000*i),
			extra: []string{"--node", name, "--nats-url", url}, watched: name + "-watched"})
		if err != nil {
			return fmt.Errorf("node %s: %w", name, err)
		}
		f.nodes = append(f.nodes, node)
	}
	if err := f.openIdle(); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "  %d idle sessions on each node\n", f.n)
	steps := []func(context.Context) error{f.idleTraffic, f.lists, f.push, f.transfers, f.killed}
	for _, step := range steps {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err := step(ctx); err != nil {
			return err
		}
	}
	return nil
}

// startNATS runs one NATS server, or three routed into a cluster, and returns
// the nodes' --nats-url.
func (f *fleetRun) startNATS(cluster bool) (string, error) {
	count := 1
	if cluster {
		count = 3
	}
	cfgs := make([]fleet.ServerConfig, count)
	var routes, urls []string
	for i := range cfgs {
		port, err := freePort()
		if err != nil {
			return "", err
		}
		cfgs[i] = fleet.ServerConfig{Listen: "127.0.0.1:" + strconv.Itoa(port), Token: fleetToken, StoreDir: f.b.freshDir()}
		urls = append(urls, "nats://"+fleetToken+"@"+cfgs[i].Listen)
		if cluster {
			routePort, err := freePort()
			if err != nil {
				return "", err
			}
			cfgs[i].Name, cfgs[i].ClusterName = "nats"+strconv.Itoa(i), "ftpbench"
			cfgs[i].ClusterListen = "127.0.0.1:" + strconv.Itoa(routePort)
			routes = append(routes, "nats-route://"+cfgs[i].ClusterListen)
		}
	}
	// A server of a cluster waits for its routes: they start together.
	servers := make([]*fleet.Server, count)
	errs := make([]error, count)
	var wg sync.WaitGroup
	for i := range cfgs {
		cfgs[i].Routes = routes
		wg.Go(func() { servers[i], errs[i] = fleet.StartServer(cfgs[i]) })
	}
	wg.Wait()
	for _, s := range servers {
		if s != nil {
			f.nats = append(f.nats, s)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return "", err
	}
	return strings.Join(urls, ","), nil
}

// close ends the downloads and sessions, the nodes, then NATS.
func (f *fleetRun) close() {
	f.endDownloads()
	for _, conns := range f.idle {
		closeAll(conns)
	}
	var wg sync.WaitGroup
	for _, p := range f.nodes {
		wg.Go(p.stop)
	}
	wg.Wait()
	for _, s := range f.nats {
		s.Close()
	}
}

// logs are the last lines each node wrote, for an error.
func (f *fleetRun) logs() string {
	var s strings.Builder
	for i, p := range f.nodes {
		fmt.Fprintf(&s, "\nnode %s's log ends:\n%s", fleetNames[i], lastLines(p.stderr.String(), 10))
	}
	return s.String()
}

// openIdle logs in as many idle sessions on each node as -fleet-sessions asks
// and descriptors allow, and waits until node a counts them all.
func (f *fleetRun) openIdle() error {
	b := f.b
	transfers := b.cfg.transfers
	// This process holds every client's socket, and a download's data
	// connection; a node, two descriptors per logged-in session and four per
	// download (see pushDelay). 2,000 and 1,000 are left for the rest.
	f.n = min(b.cfg.fleetSessions, (fileLimit(os.Getpid())-2000-2*transfers)/3)
	for _, p := range f.nodes {
		f.n = min(f.n, (fileLimit(p.pid())-1000-4*transfers)/2)
	}
	if f.n < 1 {
		return errors.New("too few file descriptors for a fleet's sessions")
	}
	if note := fmt.Sprintf("The fleet's nodes hold %d sessions each, not %d: the descriptor limits allow no more.",
		f.n, b.cfg.fleetSessions); f.n < b.cfg.fleetSessions && !slices.Contains(b.notes, note) {
		b.notes = append(b.notes, note)
	}
	for i, p := range f.nodes {
		conns, err := b.openSessions(&p.server, f.n)
		if err != nil {
			return fmt.Errorf("node %s's sessions: %w", fleetNames[i], err)
		}
		f.idle = append(f.idle, conns)
	}
	return f.waitTotal(3*f.n, time.Minute)
}

// totalPattern finds the total on the sessions page, which writes it as a
// number in the page's language ("9,000").
var totalPattern = regexp.MustCompile(`data-testid="total-sessions">([\d,.\x{a0}\x{202f} ]+)<`)

// pageTotal is the number of sessions the sessions page (or a live-list event
// of it) counts, and whether it shows one.
func pageTotal(page []byte) (int, bool) {
	m := totalPattern.FindSubmatch(page)
	if m == nil {
		return 0, false
	}
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, string(m[1]))
	n, err := strconv.Atoi(digits)
	return n, err == nil
}

// waitTotal waits until node a's session list counts want sessions.
func (f *fleetRun) waitTotal(want int, within time.Duration) error {
	a := f.nodes[0]
	deadline := time.Now().Add(within)
	got := -1
	for time.Now().Before(deadline) {
		if body, status, err := get(a, "/sessions"); err == nil && status == http.StatusOK {
			if n, ok := pageTotal(body); ok {
				if got = n; got == want {
					return nil
				}
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("node a's session list counted %d sessions after %s, want %d", got, within, want)
}

// get fetches a page of the panel as its admin.
func get(p *panelServer, path string) ([]byte, int, error) {
	resp, err := p.admin.Get(p.panelURL + path)
	if err != nil {
		return nil, 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return body, resp.StatusCode, err
}

// prefix starts the name of each of this fleet's rows.
func (f *fleetRun) prefix() string {
	return fmt.Sprintf("fleet of 3 nodes × %d sessions, %s: ", f.n, f.label)
}

func (f *fleetRun) add(r row) {
	r.vs = "(no fleet)"
	fmt.Fprintf(os.Stderr, "  %s: %s\n", r.measure, r.cell())
	f.b.rows = append(f.b.rows, r)
}

// traffic reads, from every NATS server, each node's messages and payload
// bytes so far.
func (f *fleetRun) traffic() (map[string]fleet.ClientTraffic, error) {
	out := map[string]fleet.ClientTraffic{}
	for _, s := range f.nats {
		clients, err := s.Clients()
		if err != nil {
			return nil, err
		}
		for name, t := range clients {
			o := out[name]
			o.InMsgs += t.InMsgs
			o.OutMsgs += t.OutMsgs
			o.InBytes += t.InBytes
			o.OutBytes += t.OutBytes
			out[name] = o
		}
	}
	return out, nil
}

// sampleTraffic measures each node's NATS traffic, in and out, over
// -fleet-sample: a row in KB/s by node, with messages a second in its note.
func (f *fleetRun) sampleTraffic(ctx context.Context, what, target string, wantMax float64) error {
	before, err := f.traffic()
	if err != nil {
		return err
	}
	start := time.Now()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(f.b.cfg.fleetSample):
	}
	after, err := f.traffic()
	if err != nil {
		return err
	}
	took := time.Since(start).Seconds()
	r := row{measure: f.prefix() + what, target: target, unit: "KB/s", wantMax: wantMax}
	var msgs []string
	for _, name := range fleetNames {
		b, ok1 := before["ftppanel "+name]
		a, ok2 := after["ftppanel "+name]
		if !ok1 || !ok2 || a.InBytes < b.InBytes || a.OutBytes < b.OutBytes {
			r.wrong = fmt.Sprintf("node %s's NATS connection did not last the %s", name, f.b.cfg.fleetSample)
			f.add(r)
			return nil
		}
		bytes := float64(a.InBytes+a.OutBytes-b.InBytes-b.OutBytes) / took
		r.parts = append(r.parts, part{name, bytes / 1000})
		msgs = append(msgs, fmt.Sprintf("%s %.0f in, %.0f out", name, float64(a.InMsgs-b.InMsgs)/took,
			float64(a.OutMsgs-b.OutMsgs)/took))
	}
	r.note = fmt.Sprintf("payload in and out as the NATS server counts it (each message adds a ~60-byte header line), over %s; "+
		"messages a second %s", f.b.cfg.fleetSample, strings.Join(msgs, "; "))
	f.add(r)
	return nil
}

// idleTraffic is each node's NATS traffic with every session idle and no panel
// open, once the logins' changes have been told.
func (f *fleetRun) idleTraffic(ctx context.Context) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(2 * time.Second):
	}
	return f.sampleTraffic(ctx, "NATS bytes a second per node (in + out), every session idle, no panel open",
		"at most 10 KB/s per node", 10)
}

// cpu is the nodes' CPU time so far.
func (f *fleetRun) cpu() time.Duration {
	var sum time.Duration
	for _, p := range f.nodes {
		sum += cpuTime(&p.server)
	}
	return sum
}

// lists times node a's /sessions (first page) and /api/v1/sessions (every
// session of the fleet), as its admin.
func (f *fleetRun) lists(ctx context.Context) error {
	a := f.nodes[0]
	total := 3 * f.n
	pageRows := min(100, total)
	page := func() (time.Duration, int, error) {
		start := time.Now()
		body, status, err := get(a, "/sessions")
		took := time.Since(start)
		if err != nil || status != http.StatusOK {
			return 0, 0, fmt.Errorf("GET /sessions on node a: status %d, %v", status, err)
		}
		if n := len(rowPattern.FindAllIndex(body, -1)); n != pageRows {
			return 0, 0, fmt.Errorf("GET /sessions on node a shows %d rows, want %d", n, pageRows)
		}
		if n, ok := pageTotal(body); !ok || n != total {
			return 0, 0, fmt.Errorf("GET /sessions on node a does not count %d sessions", total)
		}
		return took, len(body), nil
	}
	api := func() (time.Duration, int, error) {
		start := time.Now()
		body, err := a.api.SessionsJSON(ctx, "")
		took := time.Since(start)
		if err != nil {
			return 0, 0, fmt.Errorf("GET /api/v1/sessions on node a: %w", err)
		}
		if n := bytes.Count(body, []byte(`"remote_port"`)); n != total {
			return 0, 0, fmt.Errorf("GET /api/v1/sessions on node a lists %d sessions, want %d", n, total)
		}
		return took, len(body), nil
	}
	for _, m := range []struct {
		name, target string
		limit        time.Duration
		get          func() (time.Duration, int, error)
	}{
		{fmt.Sprintf("GET /sessions on node a as its admin (first page, %d rows)", pageRows), "p99 under 50 ms", 50 * time.Millisecond, page},
		{fmt.Sprintf("GET /api/v1/sessions on node a, all %d sessions as JSON", total), "— (none set)", 0, api},
	} {
		r := row{measure: f.prefix() + m.name, target: m.target, p99Limit: m.limit}
		var took []time.Duration
		var size int
		var err error
		for range 5 { // warm up, and see that the lists are whole
			if _, size, err = m.get(); err != nil {
				break
			}
		}
		if err != nil {
			// A list that misses a node's sessions waits for that node's
			// answer until it gives up: not worth timing again and again.
			r.wrong = err.Error() + f.fleetWarning()
			f.add(r)
			continue
		}
		cpuBefore := f.cpu()
		for range f.b.cfg.listRequests {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			d, _, err := m.get()
			if err != nil {
				return err
			}
			took = append(took, d)
		}
		cpu := (f.cpu() - cpuBefore) / time.Duration(f.b.cfg.listRequests)
		r = latencyRow(r.measure, r.target, took)
		r.p99Limit = m.limit
		r.note = fmt.Sprintf("%s a response; the three nodes' CPU %s per request", byteSize(size), ms(cpu))
		f.add(r)
	}
	return nil
}

// byteSize is a size in bytes, KB or MB (powers of 1000).
func byteSize(n int) string {
	switch {
	case n >= 1e6:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%.0f KB", float64(n)/1e3)
	}
	return fmt.Sprintf("%d B", n)
}

// push measures how soon node a's live list shows a change on node b, as an
// admin watching it on a sees it: in the default view (oldest first), where
// the count of sessions tells of a client that connects on b and later quits;
// then newest first, where the client's row shows its login once it logs in,
// and goes when it quits. Each delay runs from just before the client acts
// (connect or PASS, then QUIT) to the event that shows it.
func (f *fleetRun) push(ctx context.Context) error {
	total := 3 * f.n
	counts := func(n int) func(string) bool {
		return func(page string) bool {
			got, ok := pageTotal([]byte(page))
			return ok && got == n
		}
	}
	if err := f.pushView(ctx, "", "a client connects or quits on node b → node a's live list (default view) counts it",
		false, counts(total+1), counts(total)); err != nil {
		return err
	}
	shown := `data-login="b-watched"`
	return f.pushView(ctx, "?sort=connected", "a client logs in or quits on node b → node a's live list "+
		"(newest first) shows its row, or no longer", true,
		func(page string) bool { return strings.Contains(page, shown) },
		func(page string) bool { return !strings.Contains(page, shown) })
}

// pushView watches node a's live list with query while a client of node b
// comes and goes -fleet-pushes times: it connects and, with login, logs in as
// b-watched (there arrives the event that comes shows), then quits (gone).
func (f *fleetRun) pushView(ctx context.Context, query, what string, login bool, comes, gone func(string) bool) error {
	a, nb := f.nodes[0], f.nodes[1]
	streamCtx, stop := context.WithCancel(ctx)
	defer stop()
	req, _ := http.NewRequestWithContext(streamCtx, http.MethodGet, a.panelURL+"/sessions/live"+query, nil)
	client := &http.Client{Jar: a.admin.Jar} // no timeout: the stream lasts the measure
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return fmt.Errorf("GET /sessions/live%s on node a: status %d", query, resp.StatusCode)
	}
	events := make(chan event, 1024)
	go readEvents(resp.Body, events)
	defer func() {
		// The panel is closed before the next measure, which wants none open.
		stop()
		resp.Body.Close()
		for range events {
		}
	}()
	next := func(since time.Time, shows func(string) bool) (time.Duration, error) {
		timeout := time.After(10 * time.Second)
		for {
			select {
			case e, ok := <-events:
				if !ok {
					return 0, errors.New("node a's live stream ended")
				}
				if e.at.After(since) && shows(e.data) {
					return e.at.Sub(since), nil
				}
			case <-timeout:
				return 0, errors.New("no event of node a's live list showed the change within 10 s")
			}
		}
	}
	r := row{measure: f.prefix() + "push delay: " + what, target: "p99 under 1 s", p99Limit: time.Second}
	// Not in step with the nodes' one-second heartbeat or the list's tick.
	pause := func() { time.Sleep(time.Duration(rand.Int64N(int64(time.Second)))) }
	var delays []time.Duration
	for range f.b.cfg.fleetPushes {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		pause()
		began := time.Now()
		c, err := dialFTP(nb.addr)
		if err != nil {
			return err
		}
		if login {
			if _, err := c.cmd(331, "USER b-watched"); err != nil {
				c.close()
				return err
			}
			pause()
			began = time.Now()
			if _, err := c.cmd(230, "PASS %s", nb.password["b-watched"]); err != nil {
				c.close()
				return err
			}
		}
		d, err := next(began, comes)
		if err != nil {
			c.close()
			r.wrong = "a client of node b: " + err.Error() + f.fleetWarning()
			break
		}
		delays = append(delays, d)

		pause()
		began = time.Now()
		_, err = c.cmd(221, "QUIT")
		c.close()
		if err != nil {
			return err
		}
		if d, err = next(began, gone); err != nil {
			r.wrong = "a client of node b that quit: " + err.Error() + f.fleetWarning()
			break
		}
		delays = append(delays, d)
	}
	if r.wrong == "" {
		r = latencyRow(r.measure, r.target, delays)
		r.p99Limit = time.Second
	}
	f.add(r)
	return nil
}

// fleetWarning is the last warning about fleet replies, or else requests,
// that a node logged, if any: why a list missed sessions.
func (f *fleetRun) fleetWarning() string {
	for _, what := range []string{`msg="fleet reply"`, `msg="fleet request"`} {
		for i, p := range f.nodes {
			lines := strings.Split(p.stderr.String(), "\n")
			for j := len(lines) - 1; j >= 0; j-- {
				if strings.Contains(lines[j], what) {
					return fmt.Sprintf(" (node %s logged: %s)", fleetNames[i], strings.TrimSpace(lines[j]))
				}
			}
		}
	}
	return ""
}

// endDownloads ends the running downloads: each closes its control
// connection, and its data connection if the server has not closed it within
// 10 s.
func (f *fleetRun) endDownloads() {
	for _, d := range f.running {
		if d != nil {
			d.c.close()
		}
	}
	deadline := time.After(10 * time.Second)
	for _, d := range f.running {
		if d == nil {
			continue
		}
		select {
		case <-d.done:
			continue
		case <-deadline:
		}
		d.dropData()
		<-d.done
	}
	f.running = nil
}

// transfers starts -transfers downloads spread over the nodes, measures the
// nodes' NATS traffic while they run, then the disconnect of c's downloads on
// node a.
func (f *fleetRun) transfers(ctx context.Context) error {
	b := f.b
	defer f.endDownloads()
	f.running = make([]*download, b.cfg.transfers)
	for i := range f.running {
		d, err := b.startDownload(&f.nodes[i%3].server, i, b.cfg.transferRate)
		if err != nil {
			return fmt.Errorf("download %d on node %s: %w", i, fleetNames[i%3], err)
		}
		f.running[i] = d
	}
	// Rates are a few seconds' average: they settle first.
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(3 * time.Second):
	}
	if err := f.sampleTraffic(ctx, fmt.Sprintf("NATS bytes a second per node (in + out), %d downloads at %s/s each running "+
		"(spread over the nodes), no panel open", b.cfg.transfers, b.cfg.transferRate), "— (none set)", 0); err != nil {
		return err
	}
	return f.disconnects(ctx)
}

// identify finds the session IDs of node c's downloads, by their client ports,
// through node c's API (logins of c start with "c-").
func (f *fleetRun) identify(ctx context.Context) error {
	c := f.nodes[2]
	deadline := time.Now().Add(30 * time.Second)
	for {
		list, err := c.api.Sessions(ctx, "c-")
		if err != nil {
			return err
		}
		ids := map[int]string{}
		for _, s := range list {
			ids[s.RemotePort] = s.ID
		}
		missing := 0
		for i, d := range f.running {
			if i%3 == 2 {
				if d.id = ids[d.port]; d.id == "" {
					missing++
				}
			}
		}
		if missing == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%d downloads not listed by node c's API", missing)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// disconnects confirms, on node a, disconnects of node c's downloads, one at a
// time, and times the moment each client sees its control connection close.
func (f *fleetRun) disconnects(ctx context.Context) error {
	b, a := f.b, f.nodes[0]
	var onC []int
	for i := range f.running {
		if i%3 == 2 {
			onC = append(onC, i)
		}
	}
	if len(onC) == 0 {
		return errors.New("no download runs on node c: -transfers must be at least 3")
	}
	if err := f.identify(ctx); err != nil {
		return err
	}
	var post, client []time.Duration
	for i := range b.cfg.disconnects {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		k := onC[i%len(onC)]
		d := f.running[k]
		answered, closed, err := a.timedDisconnect(d)
		if err != nil {
			return fmt.Errorf("node a disconnecting a session of node c: %w", err)
		}
		post, client = append(post, answered), append(client, closed)
		d.c.close()
		select {
		case <-d.done:
		case <-time.After(10 * time.Second):
			d.dropData()
			<-d.done
		}
		if f.running[k], err = b.startDownload(&f.nodes[2].server, k, b.cfg.transferRate); err != nil {
			return err
		}
		if err := f.identify(ctx); err != nil {
			return err
		}
	}
	r := latencyRow(f.prefix()+fmt.Sprintf("disconnect on node a of a download on node c, while %d downloads run "+
		"at %s/s each across the nodes: confirming POST → the client sees its control connection close", b.cfg.transfers, b.cfg.transferRate),
		"p99 under 50 ms", client)
	r.p99Limit = 50 * time.Millisecond
	slices.Sort(post)
	r.note = fmt.Sprintf("the POST answered at p50 %s, p99 %s", ms(percentile(post, 50)), ms(percentile(post, 99)))
	f.add(r)
	return nil
}

var nodeRowPattern = regexp.MustCompile(`(?s)<tr data-node="([^"]+)"[^>]*>(.*?)</tr>`)

// nodeState is what node a's /nodes page says of node name: "up", "down", or
// "" when it does not list it.
func (f *fleetRun) nodeState(name string) (string, error) {
	body, status, err := get(f.nodes[0], "/nodes")
	if err != nil {
		return "", err
	}
	if status != http.StatusOK {
		return "", fmt.Errorf("GET /nodes on node a: status %d", status)
	}
	for _, m := range nodeRowPattern.FindAllSubmatch(body, -1) {
		if string(m[1]) == name {
			for _, state := range []string{"up", "down"} {
				if bytes.Contains(m[2], []byte(">"+state+"<")) {
					return state, nil
				}
			}
		}
	}
	return "", nil
}

// awaitState polls node a's /nodes until it shows node c as state, and
// returns when it did.
func (f *fleetRun) awaitState(ctx context.Context, state string, within time.Duration) (time.Time, error) {
	deadline := time.Now().Add(within)
	for {
		got, err := f.nodeState("c")
		if err != nil {
			return time.Time{}, err
		}
		if got == state {
			return time.Now(), nil
		}
		if time.Now().After(deadline) {
			return time.Time{}, fmt.Errorf("node a's /nodes did not show node c %s within %s", state, within)
		}
		if ctx.Err() != nil {
			return time.Time{}, ctx.Err()
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// killed kills node c (SIGKILL) and times until node a's /nodes shows it down,
// then starts it again and times until a shows it up, -fleet-kills times.
func (f *fleetRun) killed(ctx context.Context) error {
	c := f.nodes[2]
	downRow := row{measure: f.prefix() + "node c killed (SIGKILL) → node a's /nodes shows it down", target: "— (none set)"}
	upRow := row{measure: f.prefix() + "node c started again (from its process's start) → node a's /nodes shows it up",
		target: "— (none set)"}
	if state, err := f.nodeState("c"); err != nil || state != "up" {
		why := fmt.Sprintf("node a's /nodes shows node c %q", state)
		if err != nil {
			why = err.Error()
		}
		downRow.wrong, upRow.wrong = why, why
		f.add(downRow)
		f.add(upRow)
		return nil
	}
	var down, up []time.Duration
	for range f.b.cfg.fleetKills {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		began := time.Now()
		if err := c.kill(); err != nil {
			return err
		}
		at, err := f.awaitState(ctx, "down", 30*time.Second)
		if err != nil {
			return err
		}
		down = append(down, at.Sub(began))
		if len(f.idle) > 2 {
			closeAll(f.idle[2]) // their server is gone
			f.idle[2] = nil
		}
		began = time.Now()
		if _, err := c.launch(); err != nil {
			return fmt.Errorf("node c again: %w", err)
		}
		if at, err = f.awaitState(ctx, "up", time.Minute); err != nil {
			return err
		}
		up = append(up, at.Sub(began))
	}
	downRow = latencyRow(downRow.measure, downRow.target, down)
	downRow.note = "a node unheard for 3 s is down, its last heartbeat (one a second) up to 1 s before the kill; /nodes read every 20 ms"
	upRow = latencyRow(upRow.measure, upRow.target, up)
	upRow.note = "/nodes read every 20 ms"
	f.add(downRow)
	f.add(upRow)
	return nil
}
