package main

import (
	"bufio"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// streamEvent is one event of an event stream as a browser parses it.
type streamEvent struct {
	name   string
	data   string
	fields []string // every field name seen in the event, in order
}

// strictEvents follows the live stream as a browser's EventSource does: a line ends
// at CR, LF or CRLF, and every field counts, not only "data".
func (b *browser) strictEvents(query string) <-chan streamEvent {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.base+"/sessions/live"+query, nil)
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		b.t.Fatalf("live stream: status %d", resp.StatusCode)
	}
	out := make(chan streamEvent, 1000)
	done, quit := make(chan struct{}), make(chan struct{})
	b.t.Cleanup(func() {
		close(quit)
		resp.Body.Close()
		<-done
	})
	go func() {
		defer close(done)
		defer close(out)
		in := bufio.NewReader(resp.Body)
		var line strings.Builder
		var ev streamEvent
		var data []string
		afterCR := false
		for {
			c, err := in.ReadByte()
			if err != nil {
				return
			}
			if c == '\n' && afterCR {
				afterCR = false
				continue // the LF of a CRLF
			}
			afterCR = c == '\r'
			if c != '\r' && c != '\n' {
				line.WriteByte(c)
				continue
			}
			l := line.String()
			line.Reset()
			if l == "" {
				if data != nil {
					ev.data = strings.Join(data, "\n")
					select {
					case out <- ev:
					case <-quit:
						return
					}
				}
				ev, data = streamEvent{}, nil
				continue
			}
			if strings.HasPrefix(l, ":") {
				continue // a comment
			}
			name, value, _ := strings.Cut(l, ":")
			value = strings.TrimPrefix(value, " ")
			ev.fields = append(ev.fields, name)
			switch name {
			case "event":
				ev.name = value
			case "data":
				data = append(data, value)
			}
		}
	}()
	return out
}

// The client software (CLNT) and file names are the client's to choose. A bare CR
// must not end a line of the admin's live stream (where it cut other customers'
// rows and let the client add its own fields), and control and bidirectional
// characters show as escapes in the page, the stream, the API, history and audit.
func TestClientChosenTextIsShownAsEscapes(t *testing.T) {
	t.Parallel()
	in := start(t)
	in.addCustomer("acme")
	in.addCustomer("globex")
	in.addFTPUser("bob", "acme")
	in.addFTPUser("carol", "globex")
	admin := in.signInAdmin()
	stream := admin.strictEvents("")
	in.ftpLogin("carol")

	const client = "evil\rid: 666\rretry: 1\revent: injected\rdata: <b>x\x1b[31m\a"
	const shownClient = `evil\rid: 666\rretry: 1\revent: injected\rdata: &lt;b&gt;x\x1b[31m\x07`
	const file = "a\u202eexe.txt"
	const shownFile = `/a\u202eexe.txt`
	bob := in.rawDial()
	bob.cmd(200, "CLNT %s", client)
	bob.login("bob")
	bob.cmd(200, "TYPE I")
	data := bob.passiveData()
	bob.cmd(150, "STOR %s", file)
	if _, err := data.Write([]byte("some bytes")); err != nil {
		t.Fatal(err)
	}

	raw := []string{"\r", "\x1b", "\a", "\u202e"}
	hasRaw := func(s string) bool { return strings.ContainsAny(s, strings.Join(raw, "")) }
	for {
		ev, ok := <-stream
		if !ok {
			t.Fatal("the stream ended before it showed bob uploading")
		}
		if ev.name != "sessions" || strings.Join(ev.fields, ",") != "event"+strings.Repeat(",data", len(ev.fields)-1) {
			t.Fatalf("the stream carried an event %q with fields %v, want only the panel's own", ev.name, ev.fields)
		}
		if hasRaw(ev.data) {
			t.Fatalf("the stream carried raw control or bidirectional characters:\n%q", ev.data)
		}
		if strings.Contains(ev.data, `data-state="uploading"`) {
			if !strings.Contains(ev.data, `class="login">carol<`) {
				t.Fatalf("the admin's stream lost globex's row while bob uploaded:\n%s", ev.data)
			}
			if !strings.Contains(ev.data, shownClient) || !strings.Contains(ev.data, shownFile) {
				t.Fatalf("the stream does not show bob's client and file as escapes:\n%s", ev.data)
			}
			break
		}
	}

	page := admin.get("/sessions").body
	if hasRaw(page) || !strings.Contains(page, shownClient) || !strings.Contains(page, shownFile) {
		t.Errorf("the sessions page does not show bob's client and file as escapes:\n%s", page)
	}

	token := in.apiToken("admin")
	var list struct {
		Sessions []struct{ Login, Client, File string }
	}
	if err := json.Unmarshal([]byte(in.browser().api(http.MethodGet, "/api/v1/sessions", token).body), &list); err != nil {
		t.Fatal(err)
	}
	seen := false
	for _, s := range list.Sessions {
		if s.Login == "bob" {
			seen = true
			if s.Client != strings.ReplaceAll(shownClient, "&lt;b&gt;", "<b>") || s.File != shownFile {
				t.Errorf("the API shows bob's client %q and file %q, want their escapes", s.Client, s.File)
			}
		}
	}
	if !seen {
		t.Errorf("the API does not list bob: %+v", list.Sessions)
	}

	id, _ := admin.rowFor("bob")
	if r := admin.disconnect(id); r.status != http.StatusSeeOther {
		t.Fatalf("disconnect bob: status %d", r.status)
	}
	waitFor(t, "bob's session in history", func() bool {
		for _, h := range in.history() {
			if h.FTPLogin == "bob" {
				return true
			}
		}
		return false
	})
	for _, h := range in.history() {
		if h.FTPLogin == "bob" && h.Client != strings.ReplaceAll(shownClient, "&lt;b&gt;", "<b>") {
			t.Errorf("history keeps bob's client as %q, want its escape", h.Client)
		}
	}
	for _, e := range in.auditEntries() {
		if e.FTPLogin == "bob" && (hasRaw(e.Detail) || !strings.Contains(e.Detail, shownFile)) {
			t.Errorf("the audit log keeps bob's file as %q, want its escape", e.Detail)
		}
	}
	for _, path := range []string{"/history", "/audit"} {
		body := admin.get(path).body
		if hasRaw(body) {
			t.Errorf("%s shows raw control or bidirectional characters", path)
		}
	}
	if body := admin.get("/history").body; !strings.Contains(body, shownClient) {
		t.Errorf("/history does not show bob's client as escapes:\n%s", body)
	}
	if body := admin.get("/audit").body; !strings.Contains(body, shownFile) {
		t.Errorf("/audit does not show bob's file as escapes:\n%s", body)
	}
}
