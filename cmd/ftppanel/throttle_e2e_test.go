package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ftppanel/ftppanel/internal/apiclient"
)

// apiSession reads one session through the API.
func (b *browser) apiSession(token, id string) apiclient.Session {
	b.t.Helper()
	r := b.api(http.MethodGet, "/api/v1/sessions/"+id, token)
	if r.status != http.StatusOK {
		b.t.Fatalf("GET session %s: status %d\n%s", id, r.status, r.body)
	}
	var s apiclient.Session
	if err := json.Unmarshal([]byte(r.body), &s); err != nil {
		b.t.Fatalf("GET session %s: %v", id, err)
	}
	return s
}

// limitBurst is the most a limited transfer may move beyond its limit × time:
// one chunk waited for under the old limit and the limiter's burst (an eighth
// of a second's worth each, at most 128 KiB; internal/session/limit.go).
const limitBurst = 2 * 128 << 10

// movedWithin checks what the user would see of a limit: over a window of a
// running transfer, the bytes the server moved stay within limit × time +
// burst. It returns the bytes moved and the window, for the accuracy log.
func movedWithin(t *testing.T, what string, bytes func() int64, limit int64, window time.Duration, slack int64) {
	t.Helper()
	b0, t0 := bytes(), time.Now()
	waitFor(t, "the measuring window of "+window.String(), func() bool { return time.Since(t0) >= window })
	b1 := bytes()
	elapsed := time.Since(t0) // taken after the read: the bound only gets looser
	moved := b1 - b0
	bound := int64(float64(limit)*elapsed.Seconds()) + limitBurst + slack
	t.Logf("%s: %d bytes in %v at a limit of %d B/s: %.1f%% of the limit", what, moved, elapsed.Round(time.Millisecond),
		limit, 100*float64(moved)/(float64(limit)*elapsed.Seconds()))
	if moved > bound {
		t.Errorf("%s: %d bytes moved in %v, more than the limit allows (%d)", what, moved, elapsed, bound)
	}
	if moved <= 0 {
		t.Errorf("%s: nothing moved in %v under a limit of %d B/s", what, elapsed, limit)
	}
}

// TestThrottleASession: a limit set through the CLI and the API holds a
// running download to it (cut off sendfile), changes mid-transfer, is lifted
// so the download finishes whole; a session limited before its upload gets an
// upload held to it; Disconnect ends a limited transfer at once; a customer
// cannot limit another's session; every change is audited.
func TestThrottleASession(t *testing.T) {
	t.Parallel()
	in := start(t)
	in.addCustomer("acme")
	in.addCustomer("other")
	in.addFTPUser("bob", "acme")
	in.addFTPUser("dave", "other")
	const size = 64 << 20
	writeFile(t, filepath.Join(in.home("acme", "bob"), "big.bin"), size)
	adminToken, acmeToken := in.apiToken("admin"), in.apiToken("acme")
	script := in.browser()

	t.Run("download", func(t *testing.T) {
		in, script := in.with(t), script.with(t)
		control := in.rawDial().with(t)
		control.login("bob")
		id := script.apiID(adminToken, "bob")
		control.cmd(200, "TYPE I")
		data := control.passiveData()
		control.cmd(150, "RETR big.bin")
		// The client reads 1 MiB and pauses: sendfile fills the sockets and
		// waits in the poller, where the limit finds it.
		if _, err := io.ReadFull(data, make([]byte, 1<<20)); err != nil {
			t.Fatalf("first MiB: %v", err)
		}
		var last int64
		stable := 0
		waitFor(t, "the sockets to fill while the client pauses", func() bool {
			b := script.apiSession(adminToken, id).TransferBytes
			if b == last && b > 1<<20 {
				stable++
			} else {
				stable = 0
			}
			last = b
			time.Sleep(100 * time.Millisecond) // a poll interval: two equal reads 300 ms apart
			return stable >= 3
		})
		out := in.mustAPICLI(adminToken, "throttle", id, "1M")
		if !strings.Contains(out, "Limited bob (127.0.0.1), session "+id+", to 1 MiB/s.") {
			t.Errorf("throttle printed %q", out)
		}
		if s := script.apiSession(adminToken, id); s.RateLimit != 1<<20 {
			t.Errorf("rate_limit = %d after throttle 1M", s.RateLimit)
		}
		var read atomic.Int64
		done := make(chan error, 1)
		go func() {
			n, err := io.Copy(io.Discard, data)
			read.Store(n)
			done <- err
		}()
		transfer := func() int64 { return script.apiSession(adminToken, id).TransferBytes }
		movedWithin(t, "download at 1 MiB/s", transfer, 1<<20, 3*time.Second, 0)

		r := script.apiJSON(http.MethodPatch, "/api/v1/sessions/"+id, adminToken, `{"rate_limit": 262144}`)
		if r.status != http.StatusOK || !strings.Contains(r.body, `"rate_limit":262144`) {
			t.Fatalf("PATCH 256K: status %d\n%s", r.status, r.body)
		}
		movedWithin(t, "download changed to 256 KiB/s", transfer, 256<<10, 2*time.Second, 0)

		out = in.mustAPICLI(adminToken, "throttle", id, "off")
		if !strings.Contains(out, "Lifted the speed limit of bob") {
			t.Errorf("throttle off printed %q", out)
		}
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("rest of the download: %v", err)
			}
		case <-time.After(time.Minute):
			t.Fatal("the download did not finish within a minute once the limit was lifted")
		}
		if got := read.Load() + 1<<20; got != size {
			t.Errorf("the client got %d bytes, want %d", got, size)
		}
		data.Close()
		control.expect(226)
		control.cmd(221, "QUIT")
	})

	t.Run("upload, then disconnect", func(t *testing.T) {
		in, script := in.with(t), script.with(t)
		control := in.rawDial().with(t)
		control.login("bob")
		id := script.apiID(adminToken, "bob")
		// Limited before the transfer: it applies to the session's later ones.
		if r := script.apiJSON(http.MethodPatch, "/api/v1/sessions/"+id, acmeToken, `{"rate_limit": 524288}`); r.status != http.StatusOK {
			t.Fatalf("PATCH by acme's token: status %d\n%s", r.status, r.body)
		}
		control.cmd(200, "TYPE I")
		data := control.passiveData()
		control.cmd(150, "STOR up.bin")
		sent := make(chan error, 1)
		go func() {
			buf := make([]byte, 64<<10)
			for {
				if _, err := data.Write(buf); err != nil {
					sent <- err
					return
				}
			}
		}()
		upload := func() int64 { return script.apiSession(adminToken, id).BytesUp }
		// A read takes what the socket holds, up to a chunk, before it waits.
		movedWithin(t, "upload at 512 KiB/s", upload, 512<<10, 3*time.Second, 64<<10)

		start := time.Now()
		if r := script.api(http.MethodDelete, "/api/v1/sessions/"+id, adminToken); r.status != http.StatusNoContent {
			t.Fatalf("DELETE: status %d\n%s", r.status, r.body)
		}
		t.Logf("Disconnect of a limited upload answered in %v", time.Since(start).Round(time.Millisecond))
		if err := closedByServer(control.conn); err != nil {
			t.Fatalf("control connection: %v", err)
		}
		select {
		case err := <-sent:
			if !errors.Is(err, net.ErrClosed) && err == nil {
				t.Errorf("the upload ended with %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("the client could still send 30 s after the disconnect")
		}
		if e := in.endedAs(control.conn.LocalAddr()); e.EndReason != "disconnected by admin" {
			t.Errorf("history says %q", e.EndReason)
		}
	})

	// A limit an administrator set is the host's: the session's customer may
	// slow it further, not lift or raise it; the administrator may.
	t.Run("the host's limit", func(t *testing.T) {
		in, script := in.with(t), script.with(t)
		control := in.rawDial().with(t)
		control.login("bob")
		id := script.apiID(adminToken, "bob")
		patch := func(token string, bps int64) response {
			return script.apiJSON(http.MethodPatch, "/api/v1/sessions/"+id, token, fmt.Sprintf(`{"rate_limit": %d}`, bps))
		}
		if r := patch(adminToken, 1<<20); r.status != http.StatusOK {
			t.Fatalf("admin's PATCH 1M: status %d\n%s", r.status, r.body)
		}
		for _, bps := range []int64{0, 2 << 20} {
			msg := apiErrorMessage(t, patch(acmeToken, bps), http.StatusForbidden)
			if !strings.Contains(msg, "limited this session to 1 MiB/s; only an administrator can lift or raise") {
				t.Errorf("acme's PATCH %d told %q", bps, msg)
			}
		}
		if _, _, err := in.apiCLI(acmeToken, "throttle", id, "off"); err == nil {
			t.Error("acme's token lifted the host's limit through the CLI")
		}
		if s := script.apiSession(adminToken, id); s.RateLimit != 1<<20 {
			t.Errorf("rate_limit = %d after acme's refused changes, want the host's 1 MiB/s", s.RateLimit)
		}
		if r := patch(acmeToken, 256<<10); r.status != http.StatusOK || !strings.Contains(r.body, `"rate_limit":262144`) {
			t.Errorf("acme's PATCH 256K below the host's limit: status %d\n%s", r.status, r.body)
		}
		if r := patch(adminToken, 0); r.status != http.StatusOK || !strings.Contains(r.body, `"rate_limit":0`) {
			t.Errorf("admin's PATCH 0 lifts every limit: status %d\n%s", r.status, r.body)
		}
		control.cmd(221, "QUIT")
	})

	t.Run("scope and input", func(t *testing.T) {
		in, script := in.with(t), script.with(t)
		dave := in.rawDial().with(t)
		dave.login("dave")
		id := script.apiID(adminToken, "dave")
		apiErrorMessage(t, script.apiJSON(http.MethodPatch, "/api/v1/sessions/"+id, acmeToken, `{"rate_limit": 1024}`), http.StatusNotFound)
		if _, _, err := in.apiCLI(acmeToken, "throttle", id, "1K"); err == nil {
			t.Error("acme's token throttled dave's session through the CLI")
		}
		if s := script.apiSession(adminToken, id); s.RateLimit != 0 {
			t.Errorf("dave's session was limited to %d by acme", s.RateLimit)
		}
		for _, body := range []string{`{}`, `{"rate_limit": -1}`, `{"rate_limit": "1M"}`, `{"rate_limit": 1, "x": 2}`, `not json`} {
			apiErrorMessage(t, script.apiJSON(http.MethodPatch, "/api/v1/sessions/"+id, adminToken, body), http.StatusBadRequest)
		}
		if _, _, err := in.apiCLI(adminToken, "throttle", id, "fast"); err == nil {
			t.Error("throttle took RATE fast")
		}
		dave.cmd(221, "QUIT")
	})

	var throttles []string
	for _, e := range in.auditEntries() {
		if e.Action == "throttle" {
			throttles = append(throttles, e.Actor+": "+e.Detail)
		}
	}
	// Newest first.
	want := []string{"admin: limit lifted", "acme: limited to 256 KiB/s", "admin: limited to 1 MiB/s", // the host's limit
		"acme: limited to 512 KiB/s", "admin: limit lifted", "admin: limited to 256 KiB/s", "admin: limited to 1 MiB/s"}
	if len(throttles) != len(want) {
		t.Fatalf("audit: %q, want %d throttle entries", throttles, len(want))
	}
	for i, w := range want {
		if !strings.HasPrefix(throttles[i], w) {
			t.Errorf("audit entry %d = %q, want it to start with %q", i, throttles[i], w)
		}
	}
}
