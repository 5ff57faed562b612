package main

import (
	"bufio"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

// events follows a browser's live stream of the sessions list: each value is the
// HTML of one "sessions" event.
func (b *browser) events(query string) <-chan string {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.base+"/sessions/live"+query, nil)
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/event-stream" {
		resp.Body.Close()
		b.t.Fatalf("live stream: status %d, type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	out := make(chan string, 100)
	done := make(chan struct{})
	b.t.Cleanup(func() {
		resp.Body.Close()
		<-done
	})
	go func() {
		defer close(done)
		defer close(out)
		lines := bufio.NewScanner(resp.Body)
		lines.Buffer(make([]byte, 1<<20), 1<<24)
		var data []string
		for lines.Scan() {
			line := lines.Text()
			switch {
			case strings.HasPrefix(line, "data: "):
				data = append(data, strings.TrimPrefix(line, "data: "))
			case line == "" && data != nil:
				select {
				case out <- strings.Join(data, "\n"):
				default: // the test is not reading; it wants newer ones
				}
				data = nil
			}
		}
	}()
	return out
}

// nextEvent waits for an event that satisfies cond, and returns it.
func nextEvent(t *testing.T, events <-chan string, what string, cond func(string) bool) string {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case html, ok := <-events:
			if !ok {
				t.Fatalf("the stream ended while waiting for %s", what)
			}
			if cond(html) {
				return html
			}
		case <-deadline:
			t.Fatalf("no event showed %s", what)
		}
	}
}

func TestTheListUpdatesItselfWithoutReload(t *testing.T) {
	t.Parallel()
	in := start(t)
	in.addCustomer("acme")
	in.addCustomer("globex")
	in.addFTPUser("bob", "acme")
	admin := in.signInAdmin()
	adminEvents := admin.events("")
	globexEvents := in.signIn("globex", "globex-password").events("")

	nextEvent(t, adminEvents, "the empty list", func(h string) bool { return strings.Contains(h, "No users logged in") })
	bob, control := in.ftpLoginConn("bob")
	nextEvent(t, adminEvents, "bob's new session", func(h string) bool {
		return strings.Contains(h, `class="login">bob<`) && strings.Contains(h, `data-state="idle"`)
	})

	pr, pw := io.Pipe()
	defer pw.Close()
	stored := make(chan error, 1)
	go func() { stored <- bob.Stor("upload.bin", pr) }()
	go func() {
		buf := make([]byte, 32<<10)
		for {
			if _, err := pw.Write(buf); err != nil {
				return
			}
		}
	}()
	nextEvent(t, adminEvents, "bob uploading", func(h string) bool {
		return strings.Contains(h, `data-state="uploading"`) && strings.Contains(h, "/upload.bin")
	})

	id, _ := admin.rowFor("bob")
	admin.mustDisconnect(id)
	<-stored
	nextEvent(t, adminEvents, "bob's session gone", func(h string) bool { return !strings.Contains(h, id) })
	if err := closedByServer(control); err != nil {
		t.Fatal(err)
	}

	// globex's stream was open all along and never showed acme's session.
	for {
		select {
		case h := <-globexEvents:
			if strings.Contains(h, id) || strings.Contains(h, "bob") {
				t.Fatalf("globex's live list showed acme's session:\n%s", h)
			}
			continue
		default:
		}
		break
	}
}

var rowIDs = regexp.MustCompile(`<tr data-session-id="([A-Z2-7]{26})"[^>]*? data-login="([^"]*)"`)

// loginsInOrder lists the logins of a page's rows, top to bottom.
func loginsInOrder(html string) []string {
	var out []string
	for _, m := range rowIDs.FindAllStringSubmatch(html, -1) {
		out = append(out, m[2])
	}
	return out
}

func TestListFiltersSortsAndPages(t *testing.T) {
	t.Parallel()
	in := start(t)
	in.addCustomer("acme")
	in.addCustomer("globex")
	for _, u := range [][2]string{{"bob", "acme"}, {"carol", "acme"}, {"dave", "globex"}} {
		in.addFTPUser(u[0], u[1])
	}
	for _, login := range []string{"bob", "bob", "carol", "dave"} {
		in.rawDial().login(login)
	}
	admin := in.signInAdmin()
	waitFor(t, "four sessions", func() bool { return len(admin.rows()) == 4 })

	page := admin.get("/sessions?login=bob")
	if got := loginsInOrder(page.body); strings.Join(got, ",") != "bob,bob" {
		t.Errorf("login=bob shows %v", got)
	}
	if !strings.Contains(page.body, `href="/sessions?login=bob&amp;sort=login"`) {
		t.Error("sort links do not keep the filter")
	}
	if !strings.Contains(page.body, `value="bob"`) {
		t.Error("the filter form does not show the filter")
	}
	if got := loginsInOrder(admin.get("/sessions?customer=glo").body); strings.Join(got, ",") != "dave" {
		t.Errorf("customer=glo shows %v", got)
	}
	if body := admin.get("/sessions?state=uploading").body; !strings.Contains(body, "No sessions match these filters") {
		t.Error("an empty filtered list should say nothing matches")
	}
	if got := loginsInOrder(admin.get("/sessions?sort=login&dir=desc").body); strings.Join(got, ",") != "dave,carol,bob,bob" {
		t.Errorf("sorted by login, descending: %v", got)
	}
	if got := loginsInOrder(admin.get("/sessions?sort=login").body); strings.Join(got, ",") != "bob,bob,carol,dave" {
		t.Errorf("sorted by login: %v", got)
	}
	for _, bad := range []string{"?page=-3", "?page=x", "?sort=password", "?state=bogus", "?dir=sideways", "?page=99"} {
		if r := admin.get("/sessions" + bad); r.status != http.StatusOK || len(loginsInOrder(r.body)) != 4 {
			t.Errorf("%s: status %d, %d rows; want the whole list", bad, r.status, len(loginsInOrder(r.body)))
		}
	}
	if body := admin.get("/sessions").body; !strings.Contains(body, `data-testid="total-sessions">4<`) {
		t.Error("the totals do not count 4 sessions")
	}

	acme := in.signIn("acme", "acme-password")
	if got := loginsInOrder(acme.get("/sessions?customer=globex").body); strings.Join(got, ",") != "bob,bob,carol" {
		t.Errorf("acme asking for globex's sessions sees %v; the customer filter is for admins", got)
	}
	if body := acme.get("/sessions?sort=customer").body; strings.Contains(body, "sort=customer") || strings.Contains(body, `aria-sort`) {
		t.Error("customers get no customer column")
	}

	// Past one page: 101 connections that have not logged in.
	for i := 0; i < 101; i++ {
		in.rawDial()
	}
	waitFor(t, "105 sessions", func() bool {
		return strings.Contains(admin.get("/sessions").body, `data-testid="total-sessions">105<`)
	})
	first := admin.get("/sessions?state=not+logged+in")
	if n := len(loginsInOrder(first.body)); n != 100 || !strings.Contains(first.body, "1–100 of 101 sessions") {
		t.Fatalf("first page: %d rows", n)
	}
	next := regexp.MustCompile(`href="([^"]+)" rel="next"`).FindStringSubmatch(first.body)
	if next == nil || !strings.Contains(next[1], "state=not+logged+in") {
		t.Fatalf("no next link keeping the filter: %v", next)
	}
	second := admin.get(strings.ReplaceAll(next[1], "&amp;", "&"))
	if n := len(loginsInOrder(second.body)); n != 1 || !strings.Contains(second.body, `rel="prev"`) {
		t.Errorf("second page: %d rows", n)
	}

	// The unfiltered list pages the same way, oldest connection first: the four
	// logged-in sessions lead the first page, the last five connections make the
	// second, and a page past the end shows the last one.
	whole := admin.get("/sessions")
	if got := loginsInOrder(whole.body); len(got) != 100 || strings.Join(got[:4], ",") != "bob,bob,carol,dave" ||
		!strings.Contains(whole.body, "1–100 of 105 sessions") {
		t.Errorf("unfiltered first page: %d rows, first four %v", len(got), got[:min(4, len(got))])
	}
	for _, q := range []string{"?page=2", "?page=99"} {
		r := admin.get("/sessions" + q)
		if n := len(loginsInOrder(r.body)); n != 5 || !strings.Contains(r.body, "101–105 of 105 sessions") || !strings.Contains(r.body, `rel="prev"`) {
			t.Errorf("unfiltered %s: %d rows", q, n)
		}
	}
}
