package main

import (
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jlaffaye/ftp"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// metricsOf returns the URL of the instance's metrics, started with --metrics-addr.
func metricsOf(t *testing.T, in *instance) string {
	t.Helper()
	m := regexp.MustCompile(`Metrics at (http://\S+/metrics)`).FindStringSubmatch(in.stdout.String())
	if m == nil {
		t.Fatalf("no metrics address printed:\n%s", in.stdout.String())
	}
	return m[1]
}

// endedMetric reads ftppanel_sessions_ended_total{reason}.
func endedMetric(t *testing.T, url, reason string) float64 {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("metrics do not parse: %v", err)
	}
	return value(families, "ftppanel_sessions_ended_total", reason)
}

// nextReply reads the next reply on a raw control connection, whatever its code,
// within a deadline generous enough for a loaded machine.
func (r *rawFTP) nextReply(wait time.Duration) (int, string) {
	r.t.Helper()
	r.conn.SetReadDeadline(time.Now().Add(wait))
	code, msg, err := r.text.ReadResponse(0)
	if err != nil {
		r.t.Fatalf("read a reply: %v", err)
	}
	return code, msg
}

// A download whose client opens the data connection and never reads fills the
// socket buffers and then moves nothing: after --stall-timeout the session is
// ended, the client told why, and the end is in history and in the metrics.
func TestStalledDownloadIsEnded(t *testing.T) {
	t.Parallel()
	in := start(t, "--stall-timeout", "1s", "--metrics-addr", "127.0.0.1:0")
	metrics := metricsOf(t, in)
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	// Far more than loopback's socket buffers on both sides hold.
	writeFile(t, filepath.Join(in.home("acme", "bob"), "big.bin"), 64<<20)

	c := in.rawDial()
	c.login("bob")
	c.cmd(200, "TYPE I")
	data := c.passiveData() // opened, never read
	c.cmd(150, "RETR big.bin")
	code, msg := c.nextReply(60 * time.Second)
	if code != 421 || !strings.Contains(msg, "stalled") {
		t.Fatalf("after the stall: %d %s, want 421 saying the transfer stalled", code, msg)
	}
	if err := closedByServer(c.conn); err != nil {
		t.Errorf("control connection: %v", err)
	}
	if e := in.endedAs(c.conn.LocalAddr()); e.EndReason != "stalled" {
		t.Errorf("history: ended %q, want stalled", e.EndReason)
	} else if e.BytesDown <= 0 || e.BytesDown >= 64<<20 {
		t.Errorf("history: %d bytes down, want some of the file, not all", e.BytesDown)
	}
	waitFor(t, "the stall to be counted", func() bool { return endedMetric(t, metrics, "stalled") == 1 })
	if got := endedMetric(t, metrics, "no transfer"); got != 0 {
		t.Errorf("ended by no transfer: %v, want 0", got)
	}
	// The data connection was reset or closed, not left hanging.
	data.SetReadDeadline(time.Now().Add(30 * time.Second))
	if _, err := io.Copy(io.Discard, data); err != nil && isTimeout(err) {
		t.Errorf("data connection still open: %v", err)
	}
}

func isTimeout(err error) bool {
	type timeout interface{ Timeout() bool }
	t, ok := err.(timeout)
	return ok && t.Timeout()
}

// A download that is slow but keeps moving lasts several stall timeouts and is
// not ended.
func TestSlowDownloadIsNotStalled(t *testing.T) {
	t.Parallel()
	in := start(t, "--stall-timeout", "2s", "--metrics-addr", "127.0.0.1:0")
	metrics := metricsOf(t, in)
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	const size = 16 << 20
	writeFile(t, filepath.Join(in.home("acme", "bob"), "big.bin"), size)

	bob := in.ftpLogin("bob")
	// A download that moves is never ended. One ended while this client itself
	// read nothing for a second or more (a test process starved on a loaded
	// machine) proves nothing: such a try is made again, at most three times.
	var began time.Time
	retried := 0
	for try := 1; ; try++ {
		var gap time.Duration
		var err error
		began = time.Now()
		gap, err = slowDownload(t, bob, "big.bin", size)
		if err == nil {
			break
		}
		if gap < time.Second || try == 3 {
			t.Fatalf("try %d, the client's longest pause %v: %v", try, gap.Round(time.Millisecond), err)
		}
		t.Logf("try %d ended while the client paused %v: %v; again", try, gap.Round(time.Millisecond), err)
		retried++
		bob = in.ftpLogin("bob")
	}
	t.Logf("the slow download took %s", time.Since(began).Round(time.Millisecond))
	if err := bob.NoOp(); err != nil {
		t.Errorf("session after the slow download: %v", err)
	}
	if n := endedMetric(t, metrics, "stalled"); n != float64(retried) {
		t.Errorf("ended as stalled: %v, want %d (the tries made again)", n, retried)
	}
}

// slowDownload reads name at about 2.5 MiB/s, several times the stall timeout
// for the file size, while the server's writes go on every fraction of a
// second. It returns the longest pause between two reads and why the
// download did not arrive whole, if it did not.
func slowDownload(t *testing.T, c *ftp.ServerConn, name string, size int) (time.Duration, error) {
	t.Helper()
	resp, err := c.Retr(name)
	if err != nil {
		return 0, err
	}
	buf := make([]byte, 256<<10)
	var got int
	var gap time.Duration
	last := time.Now()
	for {
		n, err := io.ReadFull(resp, buf)
		got += n
		gap, last = max(gap, time.Since(last)), time.Now()
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			return gap, fmt.Errorf("after %d bytes: %w", got, err)
		}
		time.Sleep(100 * time.Millisecond) // the pace of a slow client, not synchronisation
	}
	if err := resp.Close(); err != nil {
		return gap, fmt.Errorf("end of the download: %w", err)
	}
	if got != size {
		return gap, fmt.Errorf("downloaded %d bytes, want %d", got, size)
	}
	return gap, nil
}

// --no-transfer-timeout drops a session that keeps itself alive with NOOP and
// transfers nothing, and not one that transfers.
func TestNoTransferTimeoutDropsNOOPKeeper(t *testing.T) {
	t.Parallel()
	in := start(t, "--no-transfer-timeout", "2s", "--metrics-addr", "127.0.0.1:0")
	metrics := metricsOf(t, in)
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	in.addFTPUser("carol", "acme")
	writeFile(t, filepath.Join(in.home("acme", "carol"), "small.bin"), 1000)

	keeper := in.rawDial()
	keeper.login("bob")
	carol := in.ftpLogin("carol")
	download := func() error {
		resp, err := carol.Retr("small.bin")
		if err != nil {
			return err
		}
		if _, err := io.Copy(io.Discard, resp); err != nil {
			resp.Close()
			return err
		}
		return resp.Close()
	}

	// The keeper sends NOOP every fraction of a second, as such clients do, and
	// carol downloads as often, until the keeper is told it is dropped.
	var farewell string
	deadline := time.Now().Add(60 * time.Second)
	for farewell == "" {
		if time.Now().After(deadline) {
			t.Fatal("the NOOP keeper was never dropped")
		}
		if err := keeper.text.PrintfLine("NOOP"); err != nil {
			t.Fatalf("NOOP: %v", err)
		}
		if code, msg := keeper.nextReply(30 * time.Second); code == 421 {
			farewell = msg
		} else if code != 200 {
			t.Fatalf("NOOP: %d %s", code, msg)
		}
		if err := download(); err != nil {
			t.Fatalf("carol's download: %v", err)
		}
		time.Sleep(200 * time.Millisecond) // the clients' pace, not synchronisation
	}
	if !strings.Contains(farewell, "No transfer") {
		t.Errorf("the keeper was told %q, want the reason", farewell)
	}
	if err := closedByServer(keeper.conn); err != nil {
		t.Errorf("keeper's control connection: %v", err)
	}
	if e := in.endedAs(keeper.conn.LocalAddr()); e.EndReason != "no transfer" {
		t.Errorf("history: ended %q, want no transfer", e.EndReason)
	}
	waitFor(t, "the drop to be counted", func() bool { return endedMetric(t, metrics, "no transfer") == 1 })

	// Carol, who transferred all along, is still there.
	if err := download(); err != nil {
		t.Errorf("carol after the keeper's drop: %v", err)
	}
	if entries, err := carol.List("/"); err != nil || len(entries) != 1 {
		t.Errorf("carol's listing: %d entries, %v; want small.bin", len(entries), err)
	}
}

// An upload whose client opens the data connection and sends nothing is ended
// as stalled too.
func TestStalledUploadIsEnded(t *testing.T) {
	t.Parallel()
	in := start(t, "--stall-timeout", "1s")
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")

	c := in.rawDial()
	c.login("bob")
	c.cmd(200, "TYPE I")
	c.passiveData() // opened, nothing sent
	c.cmd(150, "STOR in.bin")
	if code, msg := c.nextReply(60 * time.Second); code != 421 || !strings.Contains(msg, "stalled") {
		t.Fatalf("after the stall: %d %s, want 421 saying the transfer stalled", code, msg)
	}
	if e := in.endedAs(c.conn.LocalAddr()); e.EndReason != "stalled" {
		t.Errorf("history: ended %q, want stalled", e.EndReason)
	}
}
