package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jlaffaye/ftp"
)

// mustCLIOutput runs a subcommand against the instance's data directory and
// returns what it printed.
func (in *instance) mustCLIOutput(stdin string, args ...string) string {
	in.t.Helper()
	out, err := in.cli(stdin, args...)
	if err != nil {
		in.t.Fatalf("ftppanel %v: %v\n%s", args, err, out)
	}
	return out
}

// limitedDownload is a real FTP client's download that reads its first MiB,
// then pauses until resume: sendfile fills the sockets meanwhile and waits in
// the poller, where a new limit finds it.
type limitedDownload struct {
	t    testing.TB
	id   string
	resp *ftp.Response
	read atomic.Int64
	done chan error
}

// startDownload logs in as login and begins downloading name; id is the
// session's ID as the API lists it.
func startDownload(t testing.TB, in *instance, script *browser, token, login, name string) *limitedDownload {
	t.Helper()
	c, control := in.ftpLoginConn(login)
	port := control.LocalAddr().(*net.TCPAddr).Port
	d := &limitedDownload{t: t, done: make(chan error, 1)}
	waitFor(t, "the API to list the session", func() bool {
		for _, s := range script.apiSessions(token, "")[login] {
			if s.RemotePort == port {
				d.id = s.ID
			}
		}
		return d.id != ""
	})
	resp, err := c.Retr(name)
	if err != nil {
		t.Fatalf("RETR %s: %v", name, err)
	}
	d.resp = resp
	t.Cleanup(func() { resp.Close() })
	if _, err := io.ReadFull(resp, make([]byte, 1<<20)); err != nil {
		t.Fatalf("first MiB: %v", err)
	}
	d.read.Store(1 << 20)
	return d
}

// resume reads the rest of the file in the background.
func (d *limitedDownload) resume() {
	go func() {
		n, err := io.Copy(io.Discard, d.resp)
		d.read.Add(n)
		d.done <- err
	}()
}

// finish waits for the rest of the download, which must arrive whole.
func (d *limitedDownload) finish(size int64) {
	d.t.Helper()
	select {
	case err := <-d.done:
		if err != nil {
			d.t.Fatalf("rest of the download: %v", err)
		}
	case <-time.After(time.Minute):
		d.t.Fatal("the download did not finish within a minute once the limits were lifted")
	}
	if got := d.read.Load(); got != size {
		d.t.Errorf("the client got %d bytes, want %d", got, size)
	}
}

// paused waits until the server has stopped sending to the paused clients:
// their sockets are full.
func paused(t testing.TB, script *browser, token string, ids ...string) {
	t.Helper()
	last := map[string]int64{}
	stable := 0
	waitFor(t, "the sockets to fill while the clients pause", func() bool {
		same := true
		for _, id := range ids {
			b := script.apiSession(token, id).TransferBytes
			same = same && b == last[id] && b > 1<<20
			last[id] = b
		}
		if same {
			stable++
		} else {
			stable = 0
		}
		time.Sleep(100 * time.Millisecond) // a poll interval: equal reads 300 ms apart
		return stable >= 3
	})
}

// TestAccountLimits: an account's download limit reaches both of its running
// downloads within about a second, without a reconnect; a session's own lower
// limit wins over it; lifting both lets the downloads finish whole; an upload
// limit set before a login holds that session's upload; the CLI and the API
// set them, for administrators only (a customer's token gets 403), and every
// change is audited.
func TestAccountLimits(t *testing.T) {
	t.Parallel()
	in := start(t)
	in.addCustomer("acme")
	in.addCustomer("other")
	in.addFTPUser("bob", "acme")
	in.addFTPUser("dave", "other")
	const size = 48 << 20
	writeFile(t, filepath.Join(in.home("acme", "bob"), "big.bin"), size)
	adminToken, acmeToken := in.apiToken("admin"), in.apiToken("acme")
	script := in.browser()

	t.Run("downloads", func(t *testing.T) {
		in, script := in.with(t), script.with(t)
		one := startDownload(t, in, script, adminToken, "bob", "big.bin")
		two := startDownload(t, in, script, adminToken, "bob", "big.bin")
		paused(t, script, adminToken, one.id, two.id)

		// The account's limit, set by the command line while both run.
		const accountLimit = 256 << 10
		setAt := time.Now()
		out := in.mustCLIOutput("", "ftp-user", "limit", "bob", "--down", "256K")
		if !strings.Contains(out, `FTP account "bob": down 256 KiB/s, up no limit`) {
			t.Errorf("ftp-user limit printed %q", out)
		}
		waitFor(t, "both sessions to take the account's limit", func() bool {
			return script.apiSession(adminToken, one.id).AccountDownloadLimit == accountLimit &&
				script.apiSession(adminToken, two.id).AccountDownloadLimit == accountLimit
		})
		t.Logf("both running sessions took the account's limit %v after the command", time.Since(setAt).Round(time.Millisecond))
		one.resume()
		two.resume()
		transfer := func(d *limitedDownload) func() int64 {
			return func() int64 { return script.apiSession(adminToken, d.id).TransferBytes }
		}
		movedWithin(t, "first download under the account's 256 KiB/s", transfer(one), accountLimit, 2*time.Second, 0)
		movedWithin(t, "second download under the account's 256 KiB/s", transfer(two), accountLimit, 2*time.Second, 0)

		// A lower limit of the session's own wins for that session only.
		if r := script.apiJSON(http.MethodPatch, "/api/v1/sessions/"+one.id, acmeToken, `{"rate_limit": 65536}`); r.status != http.StatusOK {
			t.Fatalf("PATCH session: %d\n%s", r.status, r.body)
		}
		movedWithin(t, "first download under its own 64 KiB/s", transfer(one), 64<<10, 2*time.Second, 0)
		// A higher one does not lift the account's.
		if r := script.apiJSON(http.MethodPatch, "/api/v1/sessions/"+two.id, acmeToken, `{"rate_limit": 10485760}`); r.status != http.StatusOK {
			t.Fatalf("PATCH session: %d\n%s", r.status, r.body)
		}
		movedWithin(t, "second download, its own 10 MiB/s above the account's 256 KiB/s", transfer(two), accountLimit, 2*time.Second, 0)
		// The sessions table says what limits each, direction by direction.
		if out := in.mustAPICLI(adminToken, "sessions"); !strings.Contains(out, "LIMIT") ||
			!strings.Contains(out, "  64 KiB/s") || !strings.Contains(out, "down 256 KiB/s, up 10 MiB/s") {
			t.Errorf("the sessions table does not show the limits:\n%s", out)
		}

		// The API lifts the account's limit; the sessions' own go off too.
		r := script.apiJSON(http.MethodPatch, "/api/v1/accounts/bob", adminToken, `{"download_limit": 0}`)
		if r.status != http.StatusOK || !strings.Contains(r.body, `"download_limit":0`) {
			t.Fatalf("PATCH account: %d\n%s", r.status, r.body)
		}
		for _, d := range []*limitedDownload{one, two} {
			if r := script.apiJSON(http.MethodPatch, "/api/v1/sessions/"+d.id, adminToken, `{"rate_limit": 0}`); r.status != http.StatusOK {
				t.Fatalf("PATCH session: %d\n%s", r.status, r.body)
			}
		}
		one.finish(size)
		two.finish(size)
	})

	t.Run("upload limit at login", func(t *testing.T) {
		in, script := in.with(t), script.with(t)
		r := script.apiJSON(http.MethodPatch, "/api/v1/accounts/bob", adminToken, `{"upload_limit": 524288}`)
		if r.status != http.StatusOK || !strings.Contains(r.body, `"upload_limit":524288`) {
			t.Fatalf("PATCH account: %d\n%s", r.status, r.body)
		}
		if r := script.api(http.MethodGet, "/api/v1/accounts/bob", acmeToken); r.status != http.StatusOK || !strings.Contains(r.body, `"upload_limit":524288`) {
			t.Errorf("the customer does not see its account's limits: %d\n%s", r.status, r.body)
		}
		c, control := in.ftpLoginConn("bob")
		port := control.LocalAddr().(*net.TCPAddr).Port
		var id string
		waitFor(t, "the API to list the session", func() bool {
			for _, s := range script.apiSessions(adminToken, "")["bob"] {
				if s.RemotePort == port {
					id = s.ID
				}
			}
			return id != ""
		})
		if s := script.apiSession(adminToken, id); s.AccountUploadLimit != 512<<10 || s.AccountDownloadLimit != 0 {
			t.Errorf("a new session has account limits %d down, %d up", s.AccountDownloadLimit, s.AccountUploadLimit)
		}
		pr, pw := io.Pipe()
		stored := make(chan error, 1)
		go func() { stored <- c.Stor("up.bin", pr) }()
		go func() {
			buf := make([]byte, 64<<10)
			for {
				if _, err := pw.Write(buf); err != nil {
					return
				}
			}
		}()
		upload := func() int64 { return script.apiSession(adminToken, id).BytesUp }
		waitFor(t, "the upload to begin", func() bool { return upload() > 0 })
		// A read takes what the socket holds, up to a chunk, before it waits.
		movedWithin(t, "upload under the account's 512 KiB/s", upload, 512<<10, 2*time.Second, 64<<10)
		pw.Close()
		select {
		case err := <-stored:
			if err != nil {
				t.Errorf("STOR: %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("the upload did not end")
		}
	})

	t.Run("CLI", func(t *testing.T) {
		in := in.with(t)
		out := in.mustCLIOutput("", "ftp-user", "limit", "bob", "--down", "2M", "--up", "1.5M")
		if !strings.Contains(out, `FTP account "bob": down 2 MiB/s, up 1.5 MiB/s`) {
			t.Errorf("limit printed %q", out)
		}
		// A flag left out keeps that direction; off lifts one.
		in.mustCLIOutput("", "ftp-user", "limit", "bob", "--up", "off")
		if out := in.mustCLIOutput("", "ftp-user", "limit", "bob"); !strings.Contains(out, `FTP account "bob": down 2 MiB/s, up no limit.`) {
			t.Errorf("limit without flags printed %q", out)
		}
		in.mustCLIOutput("", "ftp-user", "limit", "bob", "--down", "0")
		if out := in.mustCLIOutput("", "ftp-user", "limit", "bob"); !strings.Contains(out, `FTP account "bob": no limit.`) {
			t.Errorf("after lifting both: %q", out)
		}
		for _, args := range [][]string{{"bob", "--down", "fast"}, {"nobody", "--down", "1M"}, {"bob", "--up", "-1"}} {
			if out, err := in.cli("", append([]string{"ftp-user", "limit"}, args...)...); err == nil {
				t.Errorf("ftp-user limit %v succeeded:\n%s", args, out)
			}
		}
	})

	t.Run("API scope", func(t *testing.T) {
		script := script.with(t)
		// The limits are the host's: a customer's token cannot lift them, on
		// its own account or another's.
		for _, login := range []string{"bob", "dave"} {
			if msg := apiErrorMessage(t, script.apiJSON(http.MethodPatch, "/api/v1/accounts/"+login, acmeToken, `{"download_limit": 0}`), http.StatusForbidden); msg != "only an administrator's token can change an account's limits" {
				t.Errorf("a customer's PATCH of %s says %q", login, msg)
			}
		}
		apiErrorMessage(t, script.apiJSON(http.MethodPatch, "/api/v1/accounts/nobody", adminToken, `{"download_limit": 1024}`), http.StatusNotFound)
		apiErrorMessage(t, script.apiJSON(http.MethodPatch, "/api/v1/accounts/bob", adminToken, `{"download_limit": 1, "speed": 1}`), http.StatusBadRequest)
		r := script.apiJSON(http.MethodPatch, "/api/v1/accounts/bob", adminToken, `{"upload_limit": -1}`)
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `"field":"upload_limit"`) {
			t.Errorf("a negative limit: %d\n%s", r.status, r.body)
		}
	})

	var changes []string
	for _, e := range in.auditEntries() {
		if e.Action == "change account" {
			changes = append(changes, e.Actor+": "+e.Detail)
		}
	}
	// Newest first; the command line writes no audit rows, as for its other account changes.
	if len(changes) != 2 || changes[0] != "admin: limits: down no limit, up 512 KiB/s (through the API)" ||
		changes[1] != "admin: limits: no limit (through the API)" {
		t.Errorf("audit: %q", changes)
	}
}

// TestMaxRateShared: --max-rate caps two downloads running at once, each to
// about its half.
func TestMaxRateShared(t *testing.T) {
	t.Parallel()
	const maxRate = 512 << 10
	in := start(t, "--max-rate", fmt.Sprint(maxRate))
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	in.addFTPUser("carol", "acme")
	const size = 32 << 20
	writeFile(t, filepath.Join(in.home("acme", "bob"), "big.bin"), size)
	writeFile(t, filepath.Join(in.home("acme", "carol"), "big.bin"), size)
	token := in.apiToken("admin")
	script := in.browser()

	one := startDownload(t, in, script, token, "bob", "big.bin")
	two := startDownload(t, in, script, token, "carol", "big.bin")
	one.resume()
	two.resume()
	transfer := func(d *limitedDownload) func() int64 {
		return func() int64 { return script.apiSession(token, d.id).TransferBytes }
	}
	total := func() int64 { return transfer(one)() + transfer(two)() }
	movedWithin(t, "both downloads under the cap", total, maxRate, 2*time.Second, limitBurst)
	movedWithin(t, "first download under its half of the cap", transfer(one), maxRate/2, 2*time.Second, 0)
	movedWithin(t, "second download under its half of the cap", transfer(two), maxRate/2, 2*time.Second, 0)
	for _, d := range []*limitedDownload{one, two} {
		if r := script.api(http.MethodDelete, "/api/v1/sessions/"+d.id, token); r.status != http.StatusNoContent {
			t.Fatalf("DELETE: %d\n%s", r.status, r.body)
		}
		<-d.done
	}
}

// TestMaxRateGoesToTheTransfersThatMove: under --max-rate, a download whose
// client stops reading keeps no part of the cap: the other gets well over its
// half, and the two together stay under the cap.
func TestMaxRateGoesToTheTransfersThatMove(t *testing.T) {
	t.Parallel()
	const maxRate = 4 << 20
	in := start(t, "--max-rate", fmt.Sprint(maxRate))
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	in.addFTPUser("carol", "acme")
	const size = 64 << 20
	writeFile(t, filepath.Join(in.home("acme", "bob"), "big.bin"), size)
	writeFile(t, filepath.Join(in.home("acme", "carol"), "big.bin"), size)
	token := in.apiToken("admin")
	script := in.browser()

	reading := startDownload(t, in, script, token, "bob", "big.bin")
	stalled := startDownload(t, in, script, token, "carol", "big.bin")
	reading.resume()
	paused(t, script, token, stalled.id) // carol's client reads no more: its socket is full
	transfer := func(d *limitedDownload) func() int64 {
		return func() int64 { return script.apiSession(token, d.id).TransferBytes }
	}
	total := func() int64 { return transfer(reading)() + transfer(stalled)() }
	movedWithin(t, "both downloads under the cap", total, maxRate, 2*time.Second, limitBurst)
	// The reading one: more than its half could give, by a margin no chunk
	// or burst explains.
	b0, t0 := transfer(reading)(), time.Now()
	waitFor(t, "the measuring window of 2s", func() bool { return time.Since(t0) >= 2*time.Second })
	moved, elapsed := transfer(reading)()-b0, time.Since(t0)
	half := int64(float64(maxRate/2) * elapsed.Seconds())
	t.Logf("the reading download: %d bytes in %v, %.0f%% of its half of the cap", moved, elapsed.Round(time.Millisecond),
		100*float64(moved)/float64(half))
	if moved <= half+limitBurst {
		t.Errorf("the reading download moved %d bytes in %v, no more than its half of the cap (%d): the stalled one kept its share",
			moved, elapsed, half)
	}
	for _, d := range []*limitedDownload{reading, stalled} {
		if r := script.api(http.MethodDelete, "/api/v1/sessions/"+d.id, token); r.status != http.StatusNoContent {
			t.Fatalf("DELETE: %d\n%s", r.status, r.body)
		}
	}
	<-reading.done
}
