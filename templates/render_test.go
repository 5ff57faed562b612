package templates

import (
	"bytes"
	"context"
	"html"
	"strings"
	"testing"

	"github.com/a-h/templ"
)

const xss = `<script>alert(1)</script>`

var testRows = []SessionRow{
	{
		ID:           "7f3c2a10",
		Login:        "alice",
		Customer:     "Acme Ltd",
		Remote:       "192.0.2.10:50123",
		RemoteIP:     "192.0.2.10",
		Client:       "FileZilla",
		Encrypted:    true,
		LoggedInAt:   Time{Text: "2024-05-01 10:00 UTC", ISO: "2024-05-01T10:00:00Z", Present: true},
		ConnectedFor: "5m",
		IdleFor:      "10s",
		State:        "uploading",
		File:         "/site/index.html",
		Progress:     "1.2 MB, 300 kB/s, 40%",
		BytesUp:      "1.2 MB",
		BytesDown:    "0 B",
	},
	{
		ID:           "9b8e4d21",
		Login:        "bob",
		Customer:     "Bobco",
		Remote:       "[2001:db8::1]:40000",
		RemoteIP:     "2001:db8::1",
		Client:       "lftp",
		ConnectedFor: "1h",
		IdleFor:      "1m",
		State:        "idle",
		BytesUp:      "0 B",
		BytesDown:    "3 MB",
	},
}

func render(t *testing.T, c templ.Component) string {
	t.Helper()
	var buf bytes.Buffer
	if err := c.Render(context.Background(), &buf); err != nil {
		t.Fatalf("Render: %v", err)
	}
	return buf.String()
}

func sessionsPage(rows []SessionRow, admin bool) SessionsPage {
	role := "customer"
	if admin {
		role = "admin"
	}
	var columns []Column
	for _, title := range []string{"Login", "Customer", "From", "Client", "Security", "Logged in", "Connected", "Idle", "State", "File", "Up / down"} {
		if title == "Customer" && !admin {
			continue
		}
		columns = append(columns, Column{Title: title, SortURL: "/sessions?sort=x"})
	}
	return SessionsPage{
		Page:    Page{Title: "FTP Sessions", User: "panel-user", Role: role},
		IsAdmin: admin,
		Live: SessionsLive{
			IsAdmin: admin,
			Rows:    rows,
			Total:   len(rows),
			From:    1,
			To:      len(rows),
			Columns: columns,
			Totals:  SessionTotals{Sessions: len(rows)},
		},
	}
}

func TestSessionsViewEmpty(t *testing.T) {
	doc := parseHTML(t, render(t, SessionsView(sessionsPage(nil, false))))

	empty := doc.one(t, hasAttr("data-testid", "empty"))
	if got := empty.text(); got != "No users logged in" {
		t.Errorf("empty state text = %q, want %q", got, "No users logged in")
	}
	if n := len(doc.all(hasAttrName("data-session-id"))); n != 0 {
		t.Errorf("%d elements with data-session-id, want none", n)
	}
	if strings.Contains(doc.src, "data-session-id") {
		t.Error("output mentions data-session-id")
	}
	if n := len(doc.all(isTag("table"))); n != 0 {
		t.Errorf("%d tables with no rows, want none", n)
	}
	if n := len(doc.all(hasAttr("data-testid", "flash"))); n != 0 {
		t.Errorf("flash shown without Flash text")
	}
}

func TestSessionsViewRows(t *testing.T) {
	for _, admin := range []bool{false, true} {
		name := "customer"
		if admin {
			name = "admin"
		}
		t.Run(name, func(t *testing.T) {
			doc := parseHTML(t, render(t, SessionsView(sessionsPage(testRows, admin))))

			if doc.any(hasAttr("data-testid", "empty")) {
				t.Error("empty state shown although there are rows")
			}
			trs := doc.all(hasAttrName("data-session-id"))
			if len(trs) != len(testRows) {
				t.Fatalf("%d elements with data-session-id, want %d", len(trs), len(testRows))
			}
			for i, r := range testRows {
				tr := trs[i]
				if box := tr.one(t, isTag("input")); box.attrs["form"] != "bulk" || box.attrs["value"] != r.ID {
					t.Errorf("row %d: selection box %v, want one for the bulk form with the session's ID", i, box.attrs)
				}
				if tr.name != "tr" {
					t.Errorf("row %d: data-session-id on <%s>, want <tr>", i, tr.name)
				}
				if got := tr.attrs["data-session-id"]; got != r.ID {
					t.Errorf("row %d: data-session-id = %q, want %q", i, got, r.ID)
				}
				if got := tr.attrs["data-login"]; got != r.Login {
					t.Errorf("row %d: data-login = %q, want %q", i, got, r.Login)
				}
				if got := tr.attrs["data-ip"]; got != r.RemoteIP {
					t.Errorf("row %d: data-ip = %q, want %q", i, got, r.RemoteIP)
				}
				if got := tr.one(t, hasAttr("data-label", "Login")).text(); got != r.Login {
					t.Errorf("row %d: login cell = %q, want %q", i, got, r.Login)
				}
				if got := tr.one(t, hasAttr("data-label", "From")).text(); got != r.Remote {
					t.Errorf("row %d: remote cell = %q, want %q", i, got, r.Remote)
				}

				forms := tr.all(isTag("form"))
				wantForms := 2 // Disconnect, "Limit speed…"; admins also get "Ban IP"
				if admin {
					wantForms = 3
				}
				if len(forms) != wantForms {
					t.Fatalf("row %d: %d forms, want %d", i, len(forms), wantForms)
				}
				form := forms[0]
				if got := strings.ToLower(form.attrs["method"]); got != "get" {
					t.Errorf("row %d: form method = %q, want get", i, got)
				}
				if got, want := form.attrs["action"], "/sessions/"+r.ID+"/disconnect"; got != want {
					t.Errorf("row %d: form action = %q, want %q", i, got, want)
				}
				buttons := form.all(isTag("button"))
				if len(buttons) != 1 || buttons[0].text() != "Disconnect" {
					var texts []string
					for _, b := range buttons {
						texts = append(texts, b.text())
					}
					t.Errorf("row %d: form buttons %q, want one saying %q", i, texts, "Disconnect")
				}
				if got, want := forms[1].attrs["action"], "/sessions/"+r.ID+"/limit"; got != want || forms[1].attrs["data-limit"] == "" && forms[1].text() != "Limit speed…" {
					t.Errorf("row %d: second form %v (%q), want Limit speed… to %s", i, forms[1].attrs, forms[1].text(), want)
				}
			}

			// Customer column only for admins, in the header and every row.
			headers := doc.one(t, isTag("thead")).all(isTag("th"))
			var hasCustomerHeader bool
			for _, th := range headers {
				if th.text() == "Customer" {
					hasCustomerHeader = true
				}
			}
			if hasCustomerHeader != admin {
				t.Errorf("Customer header shown = %v, want %v", hasCustomerHeader, admin)
			}
			for i, tr := range trs {
				cells := tr.all(isTag("td"))
				if len(cells) != len(headers) {
					t.Errorf("row %d: %d cells, header has %d columns", i, len(cells), len(headers))
				}
				customer := tr.all(hasAttr("data-label", "Customer"))
				if admin {
					if len(customer) != 1 || customer[0].text() != testRows[i].Customer {
						t.Errorf("row %d: customer cell missing or wrong, want %q", i, testRows[i].Customer)
					}
				} else if len(customer) != 0 || strings.Contains(tr.text(), testRows[i].Customer) {
					t.Errorf("row %d: customer shown to a non-admin", i)
				}
			}
		})
	}
}

func TestSessionsViewTableMarkup(t *testing.T) {
	tests := []struct {
		rows    []SessionRow
		admin   bool
		caption string
	}{
		{testRows, false, "2 sessions of your FTP accounts"},
		{testRows, true, "2 sessions on this server"},
		{testRows[:1], true, "1 session on this server"},
	}
	for _, tc := range tests {
		doc := parseHTML(t, render(t, SessionsView(sessionsPage(tc.rows, tc.admin))))
		table := doc.one(t, isTag("table"))
		captions := table.all(isTag("caption"))
		if len(captions) != 1 {
			t.Fatalf("table has %d captions, want 1", len(captions))
		}
		if got := captions[0].text(); got != tc.caption {
			t.Errorf("caption = %q, want %q", got, tc.caption)
		}
		ths := table.all(isTag("th"))
		if len(ths) == 0 {
			t.Fatal("table has no <th>")
		}
		for _, th := range ths {
			if th.attrs["scope"] != "col" {
				t.Errorf("<th> %q has scope %q, want col", th.text(), th.attrs["scope"])
			}
		}
		if got := ths[len(ths)-1].text(); got != "Actions" {
			t.Errorf("last header = %q, want %q (for screen readers)", got, "Actions")
		}
	}
}

func TestSessionsViewNotLoggedIn(t *testing.T) {
	row := testRows[1]
	row.Login = ""
	doc := parseHTML(t, render(t, SessionsView(sessionsPage([]SessionRow{row}, true))))
	tr := doc.one(t, hasAttr("data-session-id", row.ID))
	if got := tr.one(t, hasAttr("data-label", "Login")).text(); got != "(not logged in)" {
		t.Errorf("login cell = %q, want %q", got, "(not logged in)")
	}
	if got := tr.attrs["data-login"]; got != "(not logged in)" {
		t.Errorf("data-login = %q, want %q", got, "(not logged in)")
	}
}

func TestSessionsViewEscapes(t *testing.T) {
	row := testRows[0]
	row.Login = xss
	row.File = xss
	row.Client = `" onmouseover="alert(1)`
	page := sessionsPage([]SessionRow{row}, true)
	page.Flash = xss
	page.User = xss
	out := render(t, SessionsView(page))

	if strings.Contains(out, xss) {
		t.Errorf("unescaped %s in output", xss)
	}
	if strings.Contains(out, `<script>alert`) {
		t.Error("injected <script> element in output")
	}
	doc := parseHTML(t, out)
	if n := len(doc.all(isTag("script"))); n != 1 {
		t.Errorf("%d <script> elements, want only the app's one", n)
	}
	if doc.any(hasAttrName("onmouseover")) {
		t.Error("injected onmouseover attribute")
	}
	tr := doc.one(t, hasAttr("data-session-id", row.ID))
	if got := tr.attrs["data-login"]; got != xss {
		t.Errorf("data-login = %q, want %q", got, xss)
	}
	if got := tr.one(t, hasAttr("data-label", "Login")).text(); got != xss {
		t.Errorf("login cell = %q, want the text %q", got, xss)
	}
	if got := tr.one(t, hasAttr("data-label", "File")).text(); !strings.HasPrefix(got, xss) {
		t.Errorf("file cell = %q, want it to start with the text %q", got, xss)
	}
	if got := tr.one(t, hasAttr("data-label", "Client")).text(); got != row.Client {
		t.Errorf("client cell = %q, want %q", got, row.Client)
	}
	if got := doc.one(t, hasAttr("data-testid", "flash")).text(); got != xss {
		t.Errorf("flash = %q, want the text %q", got, xss)
	}
	if got := doc.one(t, hasAttr("data-testid", "signed-in-user")).text(); got != xss {
		t.Errorf("signed-in user = %q, want the text %q", got, xss)
	}
}

func TestSessionsViewFlash(t *testing.T) {
	page := sessionsPage(testRows, false)
	page.Flash = "Session of alice disconnected."
	doc := parseHTML(t, render(t, SessionsView(page)))
	if got := doc.one(t, hasAttr("data-testid", "flash")).text(); got != page.Flash {
		t.Errorf("flash = %q, want %q", got, page.Flash)
	}

	doc = parseHTML(t, render(t, SessionsView(sessionsPage(testRows, false))))
	if doc.any(hasAttr("data-testid", "flash")) {
		t.Error("flash element shown without Flash text")
	}
}

func TestLayout(t *testing.T) {
	doc := parseHTML(t, render(t, SessionsView(sessionsPage(testRows, true))))
	if got := doc.one(t, isTag("title")).text(); got != "FTP Sessions · ftppanel" {
		t.Errorf("title = %q", got)
	}
	if got := doc.one(t, hasAttr("data-testid", "signed-in-user")).text(); got != "panel-user" {
		t.Errorf("signed-in user = %q, want %q", got, "panel-user")
	}
	logout := doc.one(t, hasAttr("action", "/logout"))
	if logout.name != "form" || strings.ToLower(logout.attrs["method"]) != "post" {
		t.Errorf("logout is <%s method=%q>, want a POST form", logout.name, logout.attrs["method"])
	}

	doc = parseHTML(t, render(t, LoginView(LoginPage{Page: Page{Title: "Sign in"}})))
	if doc.any(hasAttr("data-testid", "signed-in-user")) || doc.any(hasAttr("action", "/logout")) {
		t.Error("signed-in user or sign-out shown when nobody is signed in")
	}
}

func TestConfirmView(t *testing.T) {
	row := testRows[0]
	doc := parseHTML(t, render(t, ConfirmView(ConfirmPage{Page: Page{Title: "Disconnect", User: "u", Role: "admin"}, Row: row})))

	q := doc.one(t, hasAttr("data-testid", "confirm-question")).text()
	if !strings.Contains(q, row.Login) || !strings.Contains(q, row.RemoteIP) {
		t.Errorf("question %q does not name login %q and IP %q", q, row.Login, row.RemoteIP)
	}
	if !strings.Contains(doc.one(t, isTag("dl")).text(), row.File) {
		t.Errorf("details do not show the file %q", row.File)
	}

	form := doc.one(t, hasAttr("action", "/sessions/"+row.ID+"/disconnect"))
	if form.name != "form" {
		t.Fatalf("disconnect action on <%s>, want <form>", form.name)
	}
	if got := strings.ToLower(form.attrs["method"]); got != "post" {
		t.Errorf("form method = %q, want post", got)
	}
	var submit bool
	for _, b := range form.all(isTag("button")) {
		if b.attrs["type"] == "submit" && b.text() == "Disconnect" {
			submit = true
		}
	}
	if !submit {
		t.Error("form has no submit button saying Disconnect")
	}
	if !form.any(hasAttr("href", "/sessions")) {
		t.Error("form has no Cancel link back to /sessions")
	}

	// A session that has not logged in yet, with user-controlled text.
	row.Login = ""
	row.File = xss
	out := render(t, ConfirmView(ConfirmPage{Page: Page{Title: "Disconnect"}, Row: row}))
	if strings.Contains(out, xss) {
		t.Errorf("unescaped %s in output", xss)
	}
	doc = parseHTML(t, out)
	if q := doc.one(t, hasAttr("data-testid", "confirm-question")).text(); !strings.Contains(q, "(not logged in)") {
		t.Errorf("question %q does not say the session has not logged in", q)
	}
	if !strings.Contains(doc.one(t, isTag("dl")).text(), xss) {
		t.Errorf("details do not show the file name as text")
	}
}

func TestLoginView(t *testing.T) {
	doc := parseHTML(t, render(t, LoginView(LoginPage{Page: Page{Title: "Sign in"}})))
	if doc.any(hasAttr("data-testid", "login-error")) {
		t.Error("login error shown without Error")
	}
	form := doc.one(t, hasAttr("action", "/login"))
	if strings.ToLower(form.attrs["method"]) != "post" {
		t.Errorf("login form method = %q, want post", form.attrs["method"])
	}
	if !form.any(hasAttr("name", "username")) || !form.any(hasAttr("name", "password")) {
		t.Error("login form lacks username or password field")
	}

	page := LoginPage{Page: Page{Title: "Sign in"}, Username: `al"ice`, Error: "Wrong username or password."}
	doc = parseHTML(t, render(t, LoginView(page)))
	if got := doc.one(t, hasAttr("data-testid", "login-error")).text(); got != page.Error {
		t.Errorf("login error = %q, want %q", got, page.Error)
	}
	if got := doc.one(t, hasAttr("name", "username")).attrs["value"]; got != page.Username {
		t.Errorf("username value = %q, want %q", got, page.Username)
	}
	if got := doc.one(t, hasAttr("name", "password")).attrs["value"]; got != "" {
		t.Errorf("password field prefilled with %q", got)
	}
}

func TestErrorView(t *testing.T) {
	page := ErrorPage{Page: Page{Title: "Not found", User: "u", Role: "customer"}, Heading: "Not found", Message: "That session has ended."}
	doc := parseHTML(t, render(t, ErrorView(page)))
	if got := doc.one(t, hasAttr("data-testid", "error-message")).text(); got != page.Message {
		t.Errorf("message = %q, want %q", got, page.Message)
	}
	if got := doc.one(t, isTag("h1")).text(); got != page.Heading {
		t.Errorf("heading = %q, want %q", got, page.Heading)
	}
	if !doc.one(t, isTag("main")).any(hasAttr("href", "/sessions")) {
		t.Error("no link back to /sessions for a signed-in user")
	}

	page = ErrorPage{Page: Page{Title: "Error"}, Heading: "Error", Message: xss}
	out := render(t, ErrorView(page))
	if strings.Contains(out, xss) {
		t.Errorf("unescaped %s in output", xss)
	}
	doc = parseHTML(t, out)
	if got := doc.one(t, hasAttr("data-testid", "error-message")).text(); got != xss {
		t.Errorf("message = %q, want the text %q", got, xss)
	}
	if !doc.one(t, isTag("main")).any(hasAttr("href", "/login")) {
		t.Error("no sign-in link for a visitor")
	}
}

// A minimal HTML reader for templ's output, which is well formed: every
// attribute value is double-quoted and escaped, and every non-void element
// is closed. It is not a general HTML parser.

type node struct {
	name     string
	attrs    map[string]string
	children []*node
	inner    string // raw HTML between the start and end tags
}

type document struct {
	*node
	src string
}

var voidElements = map[string]bool{
	"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true,
	"img": true, "input": true, "link": true, "meta": true, "source": true, "track": true, "wbr": true,
}

func parseHTML(t *testing.T, src string) document {
	t.Helper()
	root := &node{name: "#root", inner: src}
	type open struct {
		n          *node
		innerStart int
	}
	stack := []open{{root, 0}}
	for i := 0; i < len(src); {
		lt := strings.IndexByte(src[i:], '<')
		if lt < 0 {
			break
		}
		i += lt
		switch {
		case strings.HasPrefix(src[i:], "<!--"):
			end := strings.Index(src[i:], "-->")
			if end < 0 {
				t.Fatalf("unterminated comment at %d", i)
			}
			i += end + len("-->")
		case strings.HasPrefix(src[i:], "<!"):
			end := strings.IndexByte(src[i:], '>')
			if end < 0 {
				t.Fatalf("unterminated declaration at %d", i)
			}
			i += end + 1
		case strings.HasPrefix(src[i:], "</"):
			end := strings.IndexByte(src[i:], '>')
			if end < 0 {
				t.Fatalf("unterminated end tag at %d", i)
			}
			name := strings.ToLower(strings.TrimSpace(src[i+2 : i+end]))
			top := stack[len(stack)-1]
			if top.n.name != name {
				t.Fatalf("</%s> at %d closes <%s>\n%s", name, i, top.n.name, src)
			}
			top.n.inner = src[top.innerStart:i]
			stack = stack[:len(stack)-1]
			i += end + 1
		default:
			n, next := parseStartTag(t, src, i)
			parent := stack[len(stack)-1].n
			parent.children = append(parent.children, n)
			i = next
			if !voidElements[n.name] {
				stack = append(stack, open{n, i})
			}
		}
	}
	if len(stack) != 1 {
		t.Fatalf("<%s> is not closed\n%s", stack[len(stack)-1].n.name, src)
	}
	return document{root, src}
}

// parseStartTag reads the start tag at src[i] ('<') and returns the element
// and the offset after its '>'.
func parseStartTag(t *testing.T, src string, i int) (*node, int) {
	t.Helper()
	j := i + 1
	readName := func() string {
		start := j
		for j < len(src) && !strings.ContainsRune(" \t\n\r/>=", rune(src[j])) {
			j++
		}
		return strings.ToLower(src[start:j])
	}
	skipSpace := func() {
		for j < len(src) && strings.ContainsRune(" \t\n\r", rune(src[j])) {
			j++
		}
	}
	n := &node{name: readName(), attrs: map[string]string{}}
	if n.name == "" {
		t.Fatalf("bad start tag at %d", i)
	}
	for {
		skipSpace()
		if j >= len(src) {
			t.Fatalf("unterminated <%s> at %d", n.name, i)
		}
		switch src[j] {
		case '>':
			return n, j + 1
		case '/':
			j++
			continue
		}
		name := readName()
		if name == "" {
			t.Fatalf("bad attribute in <%s> at %d", n.name, j)
		}
		if _, dup := n.attrs[name]; dup {
			t.Errorf("<%s> has attribute %q twice", n.name, name)
		}
		skipSpace()
		if j < len(src) && src[j] == '=' {
			j++
			skipSpace()
			if j >= len(src) || src[j] != '"' {
				t.Fatalf("unquoted value of %s in <%s> at %d", name, n.name, j)
			}
			end := strings.IndexByte(src[j+1:], '"')
			if end < 0 {
				t.Fatalf("unterminated value of %s in <%s>", name, n.name)
			}
			n.attrs[name] = html.UnescapeString(src[j+1 : j+1+end])
			j += end + 2
		} else {
			n.attrs[name] = ""
		}
	}
}

// text is the element's text content, unescaped, with runs of white space
// collapsed and the ends trimmed.
func (n *node) text() string {
	var b strings.Builder
	inTag := false
	for _, r := range n.inner {
		switch {
		case r == '<':
			inTag = true
		case r == '>' && inTag:
			inTag = false
		case !inTag:
			b.WriteRune(r)
		}
	}
	return strings.Join(strings.Fields(html.UnescapeString(b.String())), " ")
}

// all returns the descendants that match, in document order.
func (n *node) all(match func(*node) bool) []*node {
	var out []*node
	for _, c := range n.children {
		if match(c) {
			out = append(out, c)
		}
		out = append(out, c.all(match)...)
	}
	return out
}

func (n *node) any(match func(*node) bool) bool { return len(n.all(match)) > 0 }

// one returns the only descendant that matches, failing the test otherwise.
func (n *node) one(t *testing.T, match func(*node) bool) *node {
	t.Helper()
	found := n.all(match)
	if len(found) != 1 {
		t.Fatalf("%d matching elements in <%s>, want 1", len(found), n.name)
	}
	return found[0]
}

func isTag(name string) func(*node) bool {
	return func(n *node) bool { return n.name == name }
}

func hasAttr(name, value string) func(*node) bool {
	return func(n *node) bool { v, ok := n.attrs[name]; return ok && v == value }
}

func hasAttrName(name string) func(*node) bool {
	return func(n *node) bool { _, ok := n.attrs[name]; return ok }
}
