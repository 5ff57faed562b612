package main

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

const hookSecret = "hook-secret-5f3a"

func init() {
	// Retries come quickly in tests; the default waits a second, then more.
	webhookBackoff = func(int) time.Duration { return 20 * time.Millisecond }
}

// hookEvent is one event a test web hook took.
type hookEvent struct {
	Header string // X-Ftppanel-Event
	ID     string `json:"id"`
	Type   string `json:"type"`
	Time   string `json:"time"`
	Node   string `json:"node"`
	Data   map[string]any
}

// testHook is a web hook that checks each request's signature with
// hookSecret, as README's example does, and keeps the events it takes. While
// down, a request hangs until the hook comes back, then is refused: a host
// that does not answer.
type testHook struct {
	t     testing.TB
	srv   *httptest.Server
	mu    sync.Mutex
	got   []hookEvent
	tries int
	back  chan struct{} // closed when the hook is up; nil: it always was (set once, at the start)
}

func newTestHook(t testing.TB, down bool) *testHook {
	h := &testHook{t: t}
	if down {
		h.back = make(chan struct{})
	}
	h.srv = httptest.NewServer(http.HandlerFunc(h.serve))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *testHook) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		h.t.Errorf("hook: read body: %v", err)
		return
	}
	// What README tells hosts to do: HMAC-SHA256 of the raw body, compared in constant time.
	mac := hmac.New(sha256.New, []byte(hookSecret))
	mac.Write(body)
	want := "sha256=" + hex.EncodeToString(mac.Sum(nil))
	if got := r.Header.Get("X-Ftppanel-Signature"); !hmac.Equal([]byte(got), []byte(want)) {
		h.t.Errorf("hook: signature %q, want %q, body %s", got, want, body)
	}
	h.mu.Lock()
	h.tries++
	h.mu.Unlock()
	if h.back != nil {
		select {
		case <-h.back: // up
		default: // down: a request made now fails, however long it waits
			select {
			case <-h.back:
			case <-r.Context().Done():
			}
			http.Error(w, "was down", http.StatusServiceUnavailable)
			return
		}
	}
	var e hookEvent
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&e); err != nil {
		h.t.Errorf("hook: body %s: %v", body, err)
	}
	e.Header = r.Header.Get("X-Ftppanel-Event")
	if e.Header != e.Type || e.ID == "" || e.ID != r.Header.Get("X-Ftppanel-Delivery") || e.Time == "" {
		h.t.Errorf("hook: headers %v do not match the event %s", r.Header, body)
	}
	h.mu.Lock()
	h.got = append(h.got, e)
	h.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

// comeBack ends the outage.
func (h *testHook) comeBack() { close(h.back) }

// wait returns the first event taken of type typ whose data has every
// key-value pair of match, waiting for it.
func (h *testHook) wait(typ string, match map[string]any) hookEvent {
	h.t.Helper()
	var found hookEvent
	waitFor(h.t, typ+" "+jsonText(match), func() bool {
		h.mu.Lock()
		defer h.mu.Unlock()
		for _, e := range h.got {
			if e.Type == typ && hasAll(e.Data, match) {
				found = e
				return true
			}
		}
		return false
	})
	return found
}

func (h *testHook) events() []hookEvent {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]hookEvent(nil), h.got...)
}

func hasAll(data, match map[string]any) bool {
	for k, v := range match {
		if jsonText(data[k]) != jsonText(v) {
			return false
		}
	}
	return true
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// The host's hook hears of a login, an upload and a quit, a disconnect from
// the panel and from the API, a ban and its lifting, and account changes.
func TestWebhookEvents(t *testing.T) {
	t.Parallel()
	hook := newTestHook(t, false)
	in := start(t, "--webhook-url", hook.srv.URL+"/ftp-events", "--webhook-secret", hookSecret, "--metrics-addr", "127.0.0.1:0",
		"--ban-after", "2")
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	in.addFTPUser("carol", "acme")

	// Log in, upload 1500 bytes, quit.
	c := in.ftpLogin("bob")
	if err := c.Stor("up.bin", bytes.NewReader(make([]byte, 1500))); err != nil {
		t.Fatalf("STOR: %v", err)
	}
	started := hook.wait("session.started", map[string]any{"login": "bob", "customer": "acme", "remote_ip": "127.0.0.1"})
	id := started.Data["session_id"].(string)
	if err := c.Quit(); err != nil {
		t.Fatalf("QUIT: %v", err)
	}
	ended := hook.wait("session.ended", map[string]any{"session_id": id})
	if !hasAll(ended.Data, map[string]any{"login": "bob", "end_kind": "quit", "bytes_up": 1500, "bytes_down": 0, "files_up": 1}) ||
		ended.Data["duration_seconds"] == nil || ended.Data["ended_at"] == nil {
		t.Errorf("session.ended: %v", ended.Data)
	}

	// A panel user disconnects a session, with a reason.
	raw := in.rawDial()
	raw.login("bob")
	admin := in.signInAdmin()
	id, _ = admin.rowFor("bob")
	if r := admin.post("/sessions/"+id+"/disconnect", url.Values{"reason": {"maintenance window"}}); r.status != http.StatusSeeOther {
		t.Fatalf("disconnect: %d\n%s", r.status, r.body)
	}
	d := hook.wait("session.disconnected", map[string]any{"session_id": id})
	if !hasAll(d.Data, map[string]any{"by": "admin", "login": "bob", "action": "disconnect"}) || !strings.Contains(d.Data["detail"].(string), "reason: maintenance window") {
		t.Errorf("session.disconnected: %v", d.Data)
	}
	hook.wait("session.ended", map[string]any{"session_id": id, "end_kind": "disconnected", "ended_by": "admin", "message": "maintenance window"})

	// Through the API too.
	token := in.apiToken("admin")
	raw = in.rawDial()
	raw.login("carol")
	id, _ = admin.rowFor("carol")
	if r := admin.api(http.MethodDelete, "/api/v1/sessions/"+id, token); r.status != http.StatusNoContent {
		t.Fatalf("API disconnect: %d\n%s", r.status, r.body)
	}
	hook.wait("session.disconnected", map[string]any{"session_id": id, "by": "admin", "login": "carol"})

	// A ban from the panel, and its lifting.
	bad := in.rawDialFrom("127.0.0.2")
	bad.login("carol")
	id, _ = admin.rowFor("carol")
	if r := admin.post("/sessions/"+id+"/ban", url.Values{"duration": {"1h"}, "reason": {"password guessing"}}); r.status != http.StatusSeeOther {
		t.Fatalf("ban: %d\n%s", r.status, r.body)
	}
	ban := hook.wait("ban.added", map[string]any{"address": "127.0.0.2", "by": "admin", "reason": "password guessing"})
	if ban.Data["until"] == nil {
		t.Errorf("ban.added of an hour's ban has no until: %v", ban.Data)
	}
	hook.wait("session.disconnected", map[string]any{"session_id": id, "action": "disconnect and ban"})
	banID := strconv.FormatFloat(ban.Data["ban_id"].(float64), 'f', 0, 64)
	if r := admin.post("/bans/"+banID+"/lift", nil); r.status != http.StatusSeeOther {
		t.Fatalf("lift: %d\n%s", r.status, r.body)
	}
	hook.wait("ban.lifted", map[string]any{"address": "127.0.0.2", "by": "admin", "banned_by": "admin"})

	// The server's own ban, after failed logins.
	for range 2 {
		guess := in.rawDialFrom("127.0.0.3")
		guess.cmd(331, "USER bob")
		guess.text.PrintfLine("PASS wrong") // 530, or 421 once it is the one that bans
		if code, _, err := guess.text.ReadResponse(0); err != nil && code != 530 && code != 421 {
			t.Fatalf("a wrong password: %d %v", code, err)
		}
	}
	hook.wait("ban.added", map[string]any{"address": "127.0.0.3", "by": "defender"})

	// Account changes in the panel.
	if r := admin.post("/accounts/bob/disable", nil); r.status != http.StatusSeeOther {
		t.Fatalf("disable: %d\n%s", r.status, r.body)
	}
	hook.wait("account.disabled", map[string]any{"login": "bob", "customer": "acme", "by": "admin"})
	if r := admin.post("/accounts/bob/enable", nil); r.status != http.StatusSeeOther {
		t.Fatalf("enable: %d\n%s", r.status, r.body)
	}
	hook.wait("account.enabled", map[string]any{"login": "bob", "by": "admin"})

	// Each event once, each with its own id.
	ids := map[string]bool{}
	for _, e := range hook.events() {
		if ids[e.ID] {
			t.Errorf("event %s delivered twice: %+v", e.ID, e)
		}
		ids[e.ID] = true
	}
	metricsURL := regexp.MustCompile(`Metrics at (\S+)`).FindStringSubmatch(in.stdout.String())[1]
	resp, err := http.Get(metricsURL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{"ftppanel_webhook_events_delivered_total ", "ftppanel_webhook_events_dropped_total 0", "ftppanel_webhook_events_failed_total 0"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	if strings.Contains(in.stdout.String()+in.stderr.String(), hookSecret) {
		t.Error("the server printed the webhook secret")
	}
}

// A hook that does not answer holds up no FTP login; what happened meanwhile
// reaches it when it is back.
func TestWebhookDownDoesNotHoldLogins(t *testing.T) {
	t.Parallel()
	hook := newTestHook(t, true)
	in := start(t, "--webhook-url", hook.srv.URL, "--webhook-secret", hookSecret)
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	for range 3 {
		c := in.ftpLogin("bob")
		if _, err := c.List("/"); err != nil {
			t.Fatalf("LIST while the hook is down: %v", err)
		}
		if err := c.Quit(); err != nil {
			t.Fatalf("QUIT: %v", err)
		}
	}
	waitFor(t, "the hook to be tried", func() bool {
		hook.mu.Lock()
		defer hook.mu.Unlock()
		return hook.tries > 0
	})
	if n := len(hook.events()); n != 0 {
		t.Fatalf("a hook that is down took %d events", n)
	}
	hook.comeBack()
	waitFor(t, "3 sessions started and ended", func() bool {
		var starts, ends int
		for _, e := range hook.events() {
			switch e.Type {
			case "session.started":
				starts++
			case "session.ended":
				ends++
			}
		}
		return starts == 3 && ends == 3
	})
}

// The secret, and a password in the hook's URL, stay out of --print-config.
func TestWebhookSecretNotPrinted(t *testing.T) {
	out, _, err := runCmd(t, func(string) string { return "" }, "serve", "--print-config",
		"--webhook-url", "https://user:url-pw-9@hooks.example.com/ftp", "--webhook-secret", hookSecret)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out, hookSecret) || strings.Contains(out, "url-pw-9") || !strings.Contains(out, "webhook-url") {
		t.Errorf("--print-config:\n%s", out)
	}
	env := map[string]string{"FTPPANEL_WEBHOOK_URL": "https://hooks.example.com/ftp", "FTPPANEL_WEBHOOK_SECRET": hookSecret}
	out, _, err = runCmd(t, func(k string) string { return env[k] }, "serve", "--print-config")
	if err != nil || strings.Contains(out, hookSecret) || !strings.Contains(out, `webhook-secret = "********"`) {
		t.Errorf("--print-config with the secret in the environment: %v\n%s", err, out)
	}
	// A token in the query, as many receivers take one, is masked too.
	out, _, err = runCmd(t, func(string) string { return "" }, "serve", "--print-config",
		"--webhook-url", "https://u:url-pw-9@hooks.example.com/ftp?token=tok-9&team=ops", "--webhook-secret", hookSecret)
	if err != nil || strings.Contains(out, "tok-9") || strings.Contains(out, "url-pw-9") || strings.Contains(out, "ops") ||
		!strings.Contains(out, `webhook-url = "https://u:********@hooks.example.com/ftp?team=********&token=********"`) {
		t.Errorf("--print-config with a token in the hook's query: %v\n%s", err, out)
	}
	_, _, err = runCmd(t, func(string) string { return "" }, "serve",
		"--webhook-url", "ftp://hooks.example.com/x?token=tok-9", "--webhook-secret", hookSecret)
	if err == nil || strings.Contains(err.Error(), "tok-9") || !strings.Contains(err.Error(), "token=********") {
		t.Errorf("a refused hook URL with a token in its query: %v", err)
	}
	for _, args := range [][]string{
		{"--webhook-url", "http://127.0.0.1:9/x"},              // no secret
		{"--webhook-secret", hookSecret},                       // no URL
		{"--webhook-url", "ftp://x/", "--webhook-secret", "s"}, // not HTTP
	} {
		if _, _, err := runCmd(t, func(string) string { return "" }, append([]string{"serve"}, args...)...); err == nil ||
			strings.Contains(err.Error(), hookSecret) {
			t.Errorf("serve %v: %v, want a refusal that does not show the secret", args, err)
		}
	}
}

// In a fleet each event is sent once, by the node where it happens: a ban made
// on a reaches b, which does not send it again; b's own session ends are b's.
func TestFleetWebhookEventsOncePerNode(t *testing.T) {
	t.Parallel()
	hook := newTestHook(t, false)
	ns := startNATS(t)
	bin := buildBinary(t)
	hookArgs := []string{"--webhook-url", hook.srv.URL, "--webhook-secret", hookSecret}
	a, b := startNode(t, bin, "a", ns.clientURL, hookArgs...), startNode(t, bin, "b", ns.clientURL, hookArgs...)
	for _, n := range []*fleetNode{a, b} {
		n.addCustomer("acme")
		n.addFTPUser("bob", "acme")
	}
	onB := b.rawDialFrom("127.0.0.8")
	onB.login("bob")
	started := hook.wait("session.started", map[string]any{"remote_ip": "127.0.0.8", "node": "b"})
	if started.Node != "b" {
		t.Errorf("b's session.started sent by %q", started.Node)
	}
	id := started.Data["session_id"].(string)

	admin := a.signInAdmin()
	waitFor(t, "b's session on a's panel", func() bool { return admin.sessionNodes("?node=b")[id] == "b" })
	if r := admin.post("/sessions/"+id+"/ban", url.Values{"duration": {"24h"}}); r.status != http.StatusSeeOther {
		t.Fatalf("ban: status %d\n%s", r.status, r.body)
	}
	if e := hook.wait("ban.added", map[string]any{"address": "127.0.0.8"}); e.Node != "a" {
		t.Errorf("ban.added sent by %q, want a", e.Node)
	}
	if e := hook.wait("session.disconnected", map[string]any{"session_id": id}); e.Node != "a" || e.Data["by"] != "admin" {
		t.Errorf("session.disconnected %+v, want it from a, by admin", e)
	}
	if e := hook.wait("session.ended", map[string]any{"session_id": id}); e.Node != "b" || e.Data["end_kind"] != "disconnected" {
		t.Errorf("session.ended %+v, want it from b, disconnected", e)
	}

	// b lifts the ban it has from a: one ban.lifted, from b; and b sent no
	// ban.added of its own before it (b's events come in order).
	bAdmin := b.signInAdmin()
	var lift string
	waitFor(t, "the ban on b's bans page", func() bool {
		m := regexp.MustCompile(`action="(/bans/\d+/lift)"`).FindStringSubmatch(bAdmin.get("/bans").body)
		if m != nil {
			lift = m[1]
		}
		return m != nil
	})
	if r := bAdmin.post(lift, nil); r.status != http.StatusSeeOther {
		t.Fatalf("lift on b: status %d", r.status)
	}
	if e := hook.wait("ban.lifted", map[string]any{"address": "127.0.0.8"}); e.Node != "b" {
		t.Errorf("ban.lifted sent by %q, want b", e.Node)
	}
	waitFor(t, "the lift to reach a", func() bool { return !strings.Contains(admin.get("/bans").body, "127.0.0.8") })
	// An event from a after the lift reached it: had a sent ban.lifted, it came first.
	if r := admin.post("/accounts/bob/disable", nil); r.status != http.StatusSeeOther {
		t.Fatalf("disable on a: %d", r.status)
	}
	hook.wait("account.disabled", map[string]any{"login": "bob"})
	count := map[string]int{}
	for _, e := range hook.events() {
		if e.Data["address"] == "127.0.0.8" {
			count[e.Type+" from "+e.Node]++
		}
	}
	if len(count) != 2 || count["ban.added from a"] != 1 || count["ban.lifted from b"] != 1 {
		t.Errorf("ban events %v, want one ban.added from a and one ban.lifted from b", count)
	}
}
