package main

import (
	"crypto/tls"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/textproto"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jlaffaye/ftp"

	"github.com/ftppanel/ftppanel/internal/apiclient"
)

// apiJSON sends a JSON body to the API with a token.
func (b *browser) apiJSON(method, path, token, body string) response {
	b.t.Helper()
	req, _ := http.NewRequest(method, b.base+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	return b.do(req)
}

func maintenanceState(t testing.TB, r response) apiclient.Maintenance {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("maintenance API: %d %s", r.status, r.body)
	}
	var m apiclient.Maintenance
	if err := json.Unmarshal([]byte(r.body), &m); err != nil {
		t.Fatalf("maintenance API body %q: %v", r.body, err)
	}
	return m
}

// TestMaintenanceRefusesLoginsWhileATransferFinishes: with maintenance on, a new
// FTP login gets "421 MESSAGE" (its history says maintenance, and no ban strike
// counts it) while a download under way runs to its end and an idle session
// stays; the deadline then ends the rest with the message; off lets logins in
// again. A customer's token and a customer in the panel cannot switch it.
func TestMaintenanceRefusesLoginsWhileATransferFinishes(t *testing.T) {
	t.Parallel()
	// Three failed logins would ban the address: the refused logins must not count.
	in := start(t, "--ban-after", "3")
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	const size = 32 << 20
	writeFile(t, filepath.Join(in.home("acme", "bob"), "big.bin"), size)
	adminToken, acmeToken := in.apiToken("admin"), in.apiToken("acme")
	script := in.browser()

	idle := in.rawDial()
	idle.login("bob")
	loader := in.rawDial()
	loader.login("bob")
	loader.cmd(200, "TYPE I")
	data := loader.passiveData()
	loader.cmd(150, "RETR big.bin")
	got, err := io.ReadFull(data, make([]byte, 1<<20))
	if err != nil {
		t.Fatalf("read the first MiB: %v", err)
	}

	t.Run("a customer cannot switch it", func(t *testing.T) {
		script := script.with(t)
		apiErrorMessage(t, script.apiJSON(http.MethodPost, "/api/v1/maintenance", acmeToken, `{"message": "x"}`), http.StatusForbidden)
		apiErrorMessage(t, script.api(http.MethodGet, "/api/v1/maintenance", acmeToken), http.StatusForbidden)
		acme := in.signIn("acme", "acme-password").with(t)
		if r := acme.post("/maintenance", url.Values{"message": {"x"}}); r.status != http.StatusForbidden {
			t.Errorf("customer POST /maintenance: %d", r.status)
		}
		if _, _, err := in.apiCLI(acmeToken, "maintenance", "on", "--message", "x"); err == nil {
			t.Errorf("customer's CLI switched maintenance on")
		}
		if m := maintenanceState(t, script.api(http.MethodGet, "/api/v1/maintenance", adminToken)); m.On {
			t.Errorf("maintenance is on: %+v", m)
		}
	})

	m := maintenanceState(t, script.apiJSON(http.MethodPost, "/api/v1/maintenance", adminToken,
		`{"message": "Upgrading the disks\r\n230 fake, back at 10:00"}`))
	if !m.On || m.By != "admin" || m.Message != "Upgrading the disks 230 fake, back at 10:00" || m.Since == nil || m.Deadline != nil {
		t.Fatalf("state after POST: %+v", m)
	}
	const msg = "Upgrading the disks 230 fake, back at 10:00"

	for i := range 4 {
		refused := in.rawDial()
		refused.cmd(331, "USER bob")
		if err := refused.text.PrintfLine("PASS bob-password"); err != nil {
			t.Fatal(err)
		}
		if got := refused.farewell(); got != msg {
			t.Errorf("login %d: the client read 421 %q, want %q", i, got, msg)
		}
		if err := closedByServer(refused.conn); err != nil {
			t.Error(err)
		}
		if i == 0 {
			if e := in.endedAs(refused.conn.LocalAddr()); e.EndReason != "maintenance" {
				t.Errorf("history of the refused login says %q", e.EndReason)
			}
		}
	}
	if bans := in.signInAdmin().get("/bans"); !strings.Contains(bans.body, "No addresses are banned") {
		t.Errorf("refused logins led to a ban:\n%s", bans.body)
	}

	// The download under way finishes, whole.
	rest, err := io.Copy(io.Discard, data)
	if err != nil || int64(got)+rest != size {
		t.Fatalf("download: %d bytes, %v; want %d", int64(got)+rest, err, size)
	}
	loader.expect(226)
	idle.cmd(200, "NOOP")
	loader.cmd(200, "NOOP")

	// The panel says so on every page, and the form keeps the message.
	admin := in.signInAdmin()
	for _, path := range []string{"/sessions", "/history", "/maintenance"} {
		body := admin.get(path).body
		if !strings.Contains(body, `data-testid="maintenance-banner"`) || !strings.Contains(body, "switched on by admin") ||
			!strings.Contains(body, msg) {
			t.Errorf("%s has no maintenance banner", path)
		}
	}

	// A deadline ends the sessions left, with the message, each said in history.
	m = maintenanceState(t, script.apiJSON(http.MethodPost, "/api/v1/maintenance", adminToken,
		`{"message": "Going down now", "disconnect_after": "1s"}`))
	if m.Deadline == nil || m.Message != "Going down now" {
		t.Fatalf("state with a deadline: %+v", m)
	}
	for _, c := range []*rawFTP{idle, loader} {
		if got := c.farewell(); got != "Going down now" {
			t.Errorf("at the deadline the client read 421 %q", got)
		}
		if err := closedByServer(c.conn); err != nil {
			t.Error(err)
		}
		if e := in.endedAs(c.conn.LocalAddr()); e.EndReason != "maintenance: Going down now" {
			t.Errorf("history at the deadline says %q", e.EndReason)
		}
	}

	// Off: logins come in again, and the banner is gone.
	m = maintenanceState(t, script.apiJSON(http.MethodPost, "/api/v1/maintenance", adminToken, `{"on": false}`))
	if m.On {
		t.Fatalf("still on after {\"on\": false}: %+v", m)
	}
	in.rawDial().login("bob")
	if body := admin.get("/sessions").body; strings.Contains(body, `data-testid="maintenance-banner"`) {
		t.Errorf("the banner is still shown after off")
	}

	var actions []string
	for _, e := range in.auditEntries() {
		if strings.HasPrefix(e.Action, "maintenance") {
			actions = append(actions, e.Action+" | "+e.Actor+" | "+e.Detail)
		}
	}
	if len(actions) != 3 || !strings.Contains(strings.Join(actions, "\n"), "message: "+msg) ||
		!strings.Contains(strings.Join(actions, "\n"), "maintenance off | admin") {
		t.Errorf("audit rows:\n%s", strings.Join(actions, "\n"))
	}
}

// TestMaintenanceCLIAndForm: "ftppanel maintenance on/off" and the status, and
// the panel's plain form (no JavaScript) with its errors; an FTPS client reads
// the message too (the library sends it through TLS).
func TestMaintenanceCLIAndForm(t *testing.T) {
	t.Parallel()
	in := start(t, "--tls")
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	adminToken := in.apiToken("admin")

	if out := in.mustAPICLI(adminToken, "maintenance"); !strings.Contains(out, "maintenance is off") {
		t.Errorf("status: %q", out)
	}
	out := in.mustAPICLI(adminToken, "maintenance", "on", "--message", "Back at noon", "--disconnect-after", "10m")
	if !strings.Contains(out, "maintenance is on") || !strings.Contains(out, "message: Back at noon") ||
		!strings.Contains(out, "are disconnected") {
		t.Errorf("on: %q", out)
	}
	refused := in.rawDial()
	refused.cmd(331, "USER bob")
	refused.text.PrintfLine("PASS bob-password")
	if got := refused.farewell(); got != "Back at noon" {
		t.Errorf("the client read 421 %q", got)
	}
	secure, err := ftp.Dial(in.ftpAddr, ftp.DialWithTimeout(10*time.Second),
		ftp.DialWithExplicitTLS(&tls.Config{InsecureSkipVerify: true})) // the self-signed certificate
	if err != nil {
		t.Fatal(err)
	}
	var reply *textproto.Error
	if err := secure.Login("bob", "bob-password"); !errors.As(err, &reply) || reply.Code != 421 || reply.Msg != "Back at noon" {
		t.Errorf("FTPS login during maintenance: %v, want 421 Back at noon", err)
	}
	secure.Quit()
	if out := in.mustAPICLI(adminToken, "maintenance"); !strings.Contains(out, "maintenance is on") || !strings.Contains(out, "by admin") {
		t.Errorf("status while on: %q", out)
	}
	if out := in.mustAPICLI(adminToken, "maintenance", "off"); !strings.Contains(out, "maintenance is off") {
		t.Errorf("off: %q", out)
	}
	in.rawDial().login("bob")
	if _, _, err := in.apiCLI(adminToken, "maintenance", "off", "--message", "x"); err == nil {
		t.Errorf("off --message was accepted")
	}
	if _, _, err := in.apiCLI(adminToken, "maintenance", "on", "--message", strings.Repeat("m", 201)); err == nil {
		t.Errorf("a message of 201 characters was accepted")
	}

	admin := in.signInAdmin()
	form := admin.get("/maintenance")
	if !strings.Contains(form.body, `name="message"`) || !strings.Contains(form.body, `name="disconnect_after"`) {
		t.Fatalf("the form:\n%s", form.body)
	}
	if r := admin.post("/maintenance", url.Values{"message": {"x"}, "disconnect_after": {"soon"}}); r.status != http.StatusBadRequest ||
		!strings.Contains(r.body, "must be a duration") {
		t.Errorf("a bad duration: %d", r.status)
	}
	for _, path := range []string{"/maintenance", "/maintenance/off"} {
		if r := admin.post(path, url.Values{"message": {"forged"}}, "Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"); r.status != http.StatusForbidden {
			t.Errorf("cross-origin POST %s: %d, want 403", path, r.status)
		}
	}
	if r := admin.post("/maintenance", url.Values{"message": {"<b>Patching</b>"}}); r.status != http.StatusSeeOther {
		t.Fatalf("switch on: %d", r.status)
	}
	page := admin.get("/accounts").body
	if !strings.Contains(page, "&lt;b&gt;Patching&lt;/b&gt;") || strings.Contains(page, "<b>Patching") {
		t.Errorf("the banner does not show the message escaped")
	}
	refused = in.rawDial()
	refused.cmd(331, "USER bob")
	refused.text.PrintfLine("PASS bob-password")
	if got := refused.farewell(); got != "<b>Patching</b>" {
		t.Errorf("the client read 421 %q", got)
	}
	if r := admin.post("/maintenance/off", nil); r.status != http.StatusSeeOther {
		t.Fatalf("switch off: %d", r.status)
	}
	in.rawDial().login("bob")
}
