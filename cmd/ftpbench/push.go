package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

// event is one Server-Sent Event of the panel's live list, with when it was read.
type event struct {
	at   time.Time
	data string
}

// readEvents reads the stream's events into out until the stream ends.
func readEvents(body io.Reader, out chan<- event) {
	defer close(out)
	lines := bufio.NewScanner(body)
	lines.Buffer(make([]byte, 64<<10), 16<<20)
	var data strings.Builder
	for lines.Scan() {
		line := lines.Text()
		if line == "" {
			if data.Len() > 0 {
				out <- event{at: time.Now(), data: data.String()}
				data.Reset()
			}
			continue
		}
		if d, ok := strings.CutPrefix(line, "data: "); ok {
			data.WriteString(d)
			data.WriteByte('\n')
		}
	}
}

// pushDelay measures how soon the panel's live list shows a change, with
// listSessions sessions open of which pushTransfers are downloading: an admin
// watches the list, newest sessions first, as a browser does (the stream
// behind /sessions); a new client connects, and later quits; each time, the
// delay runs from just before the client acts to the event that shows it
// (its address in a row, then no longer).
func (b *bench) pushDelay(ctx context.Context) error {
	p := b.panel
	n, transfers := b.cfg.listSessions, b.cfg.pushTransfers
	running := make([]*download, 0, transfers)
	var conns []*ftpConn
	defer func() {
		closeAll(conns)
		// Each download's control connection closes; the server should then
		// reset its data connection, which ends the download. Any still
		// receiving after 10 s is reported, and closed from this side.
		for _, d := range running {
			d.c.close()
		}
		deadline := time.After(10 * time.Second)
		lingered := 0
		for _, d := range running {
			select {
			case <-d.done:
				continue
			case <-deadline:
			}
			lingered++
			d.dropData()
			<-d.done
		}
		if lingered > 0 {
			b.notes = append(b.notes, fmt.Sprintf("After the push measure, %d of %d downloads were still receiving data "+
				"10 s after their clients closed the control connection.", lingered, len(running)))
		}
		if err := b.sessionsGone(&p.server); err != nil {
			b.notes = append(b.notes, "After the push measure: "+err.Error())
		}
	}()
	for i := range transfers {
		d, err := b.startDownload(&p.server, i, b.cfg.pushRate)
		if err != nil {
			return fmt.Errorf("download %d: %w", i, err)
		}
		running = append(running, d)
	}
	// As in the list measure, as many of the others log in as descriptors allow;
	// a download holds four: its socket, home directory, data connection and
	// passive listener.
	idle := n - transfers
	loggedIn := b.loginsFitting(idle, 4*transfers)
	if loggedIn < idle {
		b.notes = append(b.notes, fmt.Sprintf("The push measure's %d sessions are %d downloading, %d idle and logged in, "+
			"%d connected but not logged in, for the descriptor limit of %d.", n, transfers, loggedIn, idle-loggedIn, fileLimit(p.pid())))
	}
	conns, err := b.openSessionsLoggingIn(&p.server, idle, loggedIn)
	if err != nil {
		return err
	}

	streamCtx, stop := context.WithCancel(ctx)
	defer stop()
	req, _ := http.NewRequestWithContext(streamCtx, http.MethodGet, p.panelURL+"/sessions/live?sort=connected", nil)
	client := &http.Client{Jar: p.admin.Jar} // no timeout: the stream lasts the measure
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET /sessions/live: status %d", resp.StatusCode)
	}
	events := make(chan event, 1024)
	go readEvents(resp.Body, events)

	// next waits for the first event read after since that satisfies shows.
	next := func(since time.Time, shows func(string) bool) (time.Duration, error) {
		timeout := time.After(10 * time.Second)
		for {
			select {
			case e, ok := <-events:
				if !ok {
					return 0, errors.New("the live stream ended")
				}
				if e.at.After(since) && shows(e.data) {
					return e.at.Sub(since), nil
				}
			case <-timeout:
				return 0, errors.New("no event showed the change within 10 s")
			}
		}
	}
	var delays []time.Duration
	for range b.cfg.pushes {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		// Not in step with the panel's one-second tick.
		time.Sleep(time.Duration(rand.Int64N(int64(time.Second))))
		began := time.Now()
		c, err := dialFTP(p.addr)
		if err != nil {
			return err
		}
		addr := "127.0.0.1:" + strconv.Itoa(c.conn.LocalAddr().(*net.TCPAddr).Port)
		d, err := next(began, func(page string) bool { return strings.Contains(page, addr) })
		if err != nil {
			c.close()
			return fmt.Errorf("a new session: %w", err)
		}
		delays = append(delays, d)

		time.Sleep(time.Duration(rand.Int64N(int64(time.Second))))
		began = time.Now()
		_, err = c.cmd(221, "QUIT")
		c.close()
		if err != nil {
			return err
		}
		if d, err = next(began, func(page string) bool { return !strings.Contains(page, addr) }); err != nil {
			return fmt.Errorf("a session that quit: %w", err)
		}
		delays = append(delays, d)
	}
	r := latencyRow(fmt.Sprintf("push-update delay with %d sessions and %d downloads running (%s/s each): "+
		"a client connects or quits → the live list's event that shows it (newest first, as the browser gets it)",
		n, transfers, b.cfg.pushRate), "under 1 s", delays)
	r.p99Limit = time.Second
	fmt.Fprintf(os.Stderr, "  %s\n", r.cell())
	b.rows = append(b.rows, r)
	return nil
}
