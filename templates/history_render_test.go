package templates

import (
	"slices"
	"strings"
	"testing"
)

var testHistoryRows = []HistoryRow{
	{
		SessionID: "S1", Login: "bob", Customer: "acme", RemoteIP: "192.0.2.10", Client: "FileZilla",
		Started:  Time{Text: "2026-11-27 12:00:00 UTC", ISO: "2026-11-27T12:00:00Z", Present: true},
		Ended:    Time{Text: "2026-11-27 12:03:12 UTC", ISO: "2026-11-27T12:03:12Z", Present: true},
		Duration: "3m 12s", BytesUp: "12.1 KiB", BytesDown: "0 B", FilesUp: 1, FilesDown: 0,
		EndReason: "disconnected by admin",
	},
	{
		SessionID: "S2", RemoteIP: "2001:db8::1",
		Started:  Time{Text: "2026-11-27 11:00:00 UTC", ISO: "2026-11-27T11:00:00Z", Present: true},
		Ended:    Time{Text: "2026-11-27 11:00:02 UTC", ISO: "2026-11-27T11:00:02Z", Present: true},
		Duration: "2s", BytesUp: "0 B", BytesDown: "0 B",
		EndReason: "login failed",
	},
}

var testReasons = []ReasonOption{{"quit", "quit"}, {"disconnected", "disconnected by a panel user"}}

func historyPage(rows []HistoryRow, admin bool) HistoryPage {
	role := "customer"
	if admin {
		role = "admin"
	}
	return HistoryPage{
		Page:    Page{Title: "Session history", User: "panel-user", Role: role, Nav: "/history"},
		Rows:    rows,
		Reasons: testReasons,
		Pager:   Pager{First: 1, Last: len(rows)},
		IsAdmin: admin,
	}
}

func TestHistoryViewEmpty(t *testing.T) {
	for _, tc := range []struct {
		name string
		page func(*HistoryPage)
		want string
	}{
		{"nothing ended", func(*HistoryPage) {}, "No ended sessions yet"},
		{"filtered", func(p *HistoryPage) { p.Filter.IP = "192.0.2" }, "No ended sessions match these filters"},
		{"past the last page", func(p *HistoryPage) { p.Pager.NewerURL = "/history?page=3" }, "No ended sessions on this page"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := historyPage(nil, true)
			tc.page(&v)
			doc := parseHTML(t, render(t, HistoryView(v)))
			if got := doc.one(t, hasAttr("data-testid", "empty")).text(); got != tc.want {
				t.Errorf("empty state = %q, want %q", got, tc.want)
			}
			if doc.any(isTag("table")) {
				t.Error("a table is shown with no rows")
			}
		})
	}
}

func TestHistoryViewRows(t *testing.T) {
	for _, admin := range []bool{false, true} {
		name := map[bool]string{false: "customer", true: "admin"}[admin]
		t.Run(name, func(t *testing.T) {
			doc := parseHTML(t, render(t, HistoryView(historyPage(testHistoryRows, admin))))
			if doc.any(hasAttr("data-testid", "empty")) {
				t.Error("empty state shown although there are rows")
			}
			table := doc.one(t, isTag("table"))
			caption := table.one(t, isTag("caption")).text()
			wantCaption := "2 ended sessions of your FTP accounts, newest first"
			if admin {
				wantCaption = "2 ended sessions on this server, newest first"
			}
			if caption != wantCaption {
				t.Errorf("caption = %q, want %q", caption, wantCaption)
			}
			headers := table.one(t, isTag("thead")).all(isTag("th"))
			var titles []string
			for _, th := range headers {
				if th.attrs["scope"] != "col" {
					t.Errorf("header %q has scope %q, want col", th.text(), th.attrs["scope"])
				}
				titles = append(titles, th.text())
			}
			want := []string{"Login", "From", "Client", "Started", "Ended", "Lasted", "Up / down", "Files up / down", "How it ended"}
			if admin {
				want = append([]string{"Login", "Customer"}, want[1:]...)
			}
			if strings.Join(titles, "|") != strings.Join(want, "|") {
				t.Errorf("headers %q, want %q", titles, want)
			}

			trs := table.all(hasAttrName("data-ended-session"))
			if len(trs) != len(testHistoryRows) {
				t.Fatalf("%d rows, want %d", len(trs), len(testHistoryRows))
			}
			for i, tr := range trs {
				r := testHistoryRows[i]
				if tr.name != "tr" || tr.attrs["data-ended-session"] != r.SessionID {
					t.Errorf("row %d: <%s data-ended-session=%q>, want <tr> for %s", i, tr.name, tr.attrs["data-ended-session"], r.SessionID)
				}
				cells := tr.all(isTag("td"))
				if len(cells) != len(headers) {
					t.Errorf("row %d: %d cells under %d headers", i, len(cells), len(headers))
				}
				for j, td := range cells {
					if j < len(titles) && td.attrs["data-label"] != titles[j] {
						t.Errorf("row %d cell %d: data-label %q under header %q", i, j, td.attrs["data-label"], titles[j])
					}
				}
				cell := func(label string) string { return tr.one(t, hasAttr("data-label", label)).text() }
				if got := cell("Login"); got != r.LoginOrDash() {
					t.Errorf("row %d: login %q, want %q", i, got, r.LoginOrDash())
				}
				if got := cell("How it ended"); got != r.EndReason {
					t.Errorf("row %d: how it ended %q, want %q", i, got, r.EndReason)
				}
				if got := cell("From"); got != r.RemoteIP {
					t.Errorf("row %d: from %q, want %q", i, got, r.RemoteIP)
				}
				if got, want := cell("Up / down"), r.BytesUp+" / "+r.BytesDown; got != want {
					t.Errorf("row %d: up / down %q, want %q", i, got, want)
				}
				if got := cell("Lasted"); got != r.Duration {
					t.Errorf("row %d: lasted %q, want %q", i, got, r.Duration)
				}
				times := tr.all(isTag("time"))
				if len(times) != 2 || times[0].attrs["datetime"] != r.Started.ISO || times[1].attrs["datetime"] != r.Ended.ISO {
					t.Errorf("row %d: times %v, want <time datetime> for start %s and end %s", i, times, r.Started.ISO, r.Ended.ISO)
				}
				if got := tr.all(hasAttr("data-label", "Customer")); admin != (len(got) == 1) {
					t.Errorf("row %d: %d customer cells for admin=%v", i, len(got), admin)
				}
			}
			if got := trs[0].one(t, hasAttr("data-label", "Files up / down")).text(); got != "1 / 0" {
				t.Errorf("files up / down = %q, want %q", got, "1 / 0")
			}
			if got := trs[1].one(t, hasAttr("data-label", "Login")).text(); got != "(not logged in)" {
				t.Errorf("a session that never logged in shows login %q", got)
			}
			if !admin && strings.Contains(doc.src, "acme") {
				t.Error("a customer's page names a customer")
			}
		})
	}
}

func TestHistoryViewFilterForm(t *testing.T) {
	for _, admin := range []bool{false, true} {
		v := historyPage(testHistoryRows, admin)
		v.Filter = HistoryFilter{Login: `b"ob`, IP: "192.0.2", Reason: "disconnected"}
		doc := parseHTML(t, render(t, HistoryView(v)))
		form := doc.one(t, hasAttr("data-testid", "history-filters"))
		if form.name != "form" || strings.ToLower(form.attrs["method"]) != "get" || form.attrs["action"] != "/history" {
			t.Fatalf("filters: <%s method=%q action=%q>, want a GET form to /history", form.name, form.attrs["method"], form.attrs["action"])
		}
		fields := map[string]*node{}
		for _, f := range form.all(hasAttrName("name")) {
			fields[f.attrs["name"]] = f
			// Every field has a visible label.
			if id := f.attrs["id"]; id == "" || !form.any(func(n *node) bool { return n.name == "label" && n.attrs["for"] == id }) {
				t.Errorf("field %q has no label", f.attrs["name"])
			}
		}
		if _, ok := fields["customer"]; ok != admin {
			t.Errorf("admin=%v: customer filter shown = %v", admin, ok)
		}
		if got := fields["login"].attrs["value"]; got != `b"ob` {
			t.Errorf("login field = %q, want the filter kept", got)
		}
		if got := fields["ip"].attrs["value"]; got != "192.0.2" {
			t.Errorf("ip field = %q, want the filter kept", got)
		}
		options := fields["reason"].all(isTag("option"))
		var values, selected []string
		for _, o := range options {
			values = append(values, o.attrs["value"]+"="+o.text())
			if _, ok := o.attrs["selected"]; ok {
				selected = append(selected, o.attrs["value"])
			}
		}
		if strings.Join(values, "|") != "=any|quit=quit|disconnected=disconnected by a panel user" {
			t.Errorf("reason options %q", values)
		}
		if len(selected) != 1 || selected[0] != "disconnected" {
			t.Errorf("selected reasons %q, want the filter's", selected)
		}
		if !form.any(hasAttr("href", "/history")) {
			t.Error("no way to clear the filters")
		}
	}

	doc := parseHTML(t, render(t, HistoryView(historyPage(testHistoryRows, true))))
	if doc.one(t, hasAttr("data-testid", "history-filters")).any(hasAttr("href", "/history")) {
		t.Error("Clear filters shown with no filter set")
	}
	anyReason := doc.one(t, func(n *node) bool { return n.name == "option" && n.attrs["value"] == "" })
	if _, ok := anyReason.attrs["selected"]; !ok {
		t.Error("with no reason filter, any is not selected")
	}
}

func TestHistoryViewPager(t *testing.T) {
	v := historyPage(testHistoryRows, true)
	doc := parseHTML(t, render(t, HistoryView(v)))
	if doc.any(hasAttr("class", "pager")) {
		t.Error("a pager on the only page")
	}

	v.Pager = Pager{NewerURL: "/history?login=bob", OlderURL: "/history?login=bob&page=3", First: 101, Last: 102}
	doc = parseHTML(t, render(t, HistoryView(v)))
	nav := doc.one(t, hasAttr("class", "pager"))
	if nav.name != "nav" || nav.attrs["aria-label"] == "" {
		t.Errorf("pager is <%s aria-label=%q>, want a labelled nav", nav.name, nav.attrs["aria-label"])
	}
	newer, older := nav.one(t, hasAttr("data-testid", "newer")), nav.one(t, hasAttr("data-testid", "older"))
	if newer.attrs["href"] != v.Pager.NewerURL || newer.text() != "← Newer" {
		t.Errorf("newer link %q to %q", newer.text(), newer.attrs["href"])
	}
	if older.attrs["href"] != v.Pager.OlderURL || older.text() != "Older →" {
		t.Errorf("older link %q to %q", older.text(), older.attrs["href"])
	}
	if got, want := doc.one(t, isTag("caption")).text(), "Ended sessions 101–102 on this server, newest first"; got != want {
		t.Errorf("caption %q, want %q", got, want)
	}

	v.Pager = Pager{OlderURL: "/history?page=2", First: 1, Last: 2}
	doc = parseHTML(t, render(t, HistoryView(v)))
	if doc.any(hasAttr("data-testid", "newer")) {
		t.Error("a Newer link on the first page")
	}
	if got, want := doc.one(t, isTag("caption")).text(), "Ended sessions 1–2 on this server, newest first"; got != want {
		t.Errorf("caption on the first of two pages = %q, want %q", got, want)
	}

	v.Pager = Pager{NewerURL: "/history?page=2", First: 201, Last: 201}
	v.Rows = v.Rows[:1]
	doc = parseHTML(t, render(t, HistoryView(v)))
	if got, want := doc.one(t, isTag("caption")).text(), "Ended sessions 201 on this server"; got != want {
		t.Errorf("caption for the one row of the last page = %q, want %q", got, want)
	}
	v.Pager = Pager{First: 1, Last: 1}
	doc = parseHTML(t, render(t, HistoryView(v)))
	if got, want := doc.one(t, isTag("caption")).text(), "1 ended session on this server"; got != want {
		t.Errorf("caption for one session = %q, want %q", got, want)
	}
}

func TestHistoryViewEscapes(t *testing.T) {
	v := historyPage([]HistoryRow{{SessionID: "S1", Login: xss, Client: xss, Customer: xss, EndReason: "disconnected by " + xss}}, true)
	v.Filter.Login = xss
	out := render(t, HistoryView(v))
	if strings.Contains(out, xss) {
		t.Errorf("unescaped %s in output", xss)
	}
	doc := parseHTML(t, out)
	if got := doc.one(t, hasAttr("data-label", "Client")).text(); got != xss {
		t.Errorf("client = %q, want the text %q", got, xss)
	}
}

var testAuditRows = []AuditRow{
	{ID: 7, At: Time{Text: "2026-11-27 12:00:00 UTC", ISO: "2026-11-27T12:00:00Z", Present: true}, Actor: "admin",
		Action: "Disconnected", Login: "bob", Customer: "acme", RemoteIP: "192.0.2.10", Detail: "downloading /big.iso (1.0 MiB moved)"},
	{ID: 3, At: Time{Text: "2026-11-27 11:00:00 UTC", ISO: "2026-11-27T11:00:00Z", Present: true}, Actor: "admin",
		Action: "Disconnected", RemoteIP: "2001:db8::1", Detail: "not logged in"},
}

func auditPage(rows []AuditRow, admin bool) AuditPage {
	role := "customer"
	if admin {
		role = "admin"
	}
	return AuditPage{
		Page:    Page{Title: "Audit log", User: "panel-user", Role: role, Nav: "/audit"},
		Rows:    rows,
		Pager:   Pager{First: 1, Last: len(rows)},
		IsAdmin: admin,
	}
}

func TestAuditView(t *testing.T) {
	doc := parseHTML(t, render(t, AuditView(auditPage(nil, false))))
	if got := doc.one(t, hasAttr("data-testid", "empty")).text(); got != "No panel actions yet" {
		t.Errorf("empty state = %q", got)
	}
	if doc.any(isTag("table")) {
		t.Error("a table with no rows")
	}

	for _, admin := range []bool{false, true} {
		doc := parseHTML(t, render(t, AuditView(auditPage(testAuditRows, admin))))
		table := doc.one(t, isTag("table"))
		want := "2 panel actions on your FTP accounts, newest first"
		if admin {
			want = "2 panel actions, newest first"
		}
		if got := table.one(t, isTag("caption")).text(); got != want {
			t.Errorf("caption = %q, want %q", got, want)
		}
		headers := table.one(t, isTag("thead")).all(isTag("th"))
		var titles []string
		for _, th := range headers {
			if th.attrs["scope"] != "col" {
				t.Errorf("header %q has scope %q", th.text(), th.attrs["scope"])
			}
			titles = append(titles, th.text())
		}
		wantTitles := "When|Panel user|Action|FTP login|From|The session was"
		if admin {
			wantTitles = "When|Panel user|Action|FTP login|Customer|From|The session was"
		}
		if got := strings.Join(titles, "|"); got != wantTitles {
			t.Errorf("admin=%v: headers %q, want %q", admin, got, wantTitles)
		}
		trs := table.all(hasAttrName("data-audit-id"))
		if len(trs) != 2 || trs[0].attrs["data-audit-id"] != "7" || trs[1].attrs["data-audit-id"] != "3" {
			t.Fatalf("rows %v, want entries 7 and 3", trs)
		}
		for i, tr := range trs {
			r := testAuditRows[i]
			if n := len(tr.all(isTag("td"))); n != len(headers) {
				t.Errorf("row %d: %d cells under %d headers", i, n, len(headers))
			}
			for label, want := range map[string]string{
				"Panel user": r.Actor, "Action": r.Action, "FTP login": r.LoginOrDash(), "From": r.RemoteIP, "The session was": r.Detail,
			} {
				if got := tr.one(t, hasAttr("data-label", label)).text(); got != want {
					t.Errorf("row %d: %s = %q, want %q", i, label, got, want)
				}
			}
			if got := tr.one(t, isTag("time")).attrs["datetime"]; got != r.At.ISO {
				t.Errorf("row %d: datetime %q, want %q", i, got, r.At.ISO)
			}
			if got := tr.all(hasAttr("data-label", "Customer")); admin != (len(got) == 1) {
				t.Errorf("row %d: %d customer cells for admin=%v", i, len(got), admin)
			}
		}
		if got := trs[1].one(t, hasAttr("data-label", "FTP login")).text(); got != "(not logged in)" {
			t.Errorf("a session that had not logged in shows login %q", got)
		}
	}

	v := auditPage(testAuditRows, true)
	v.Rows[0].Detail = xss
	out := render(t, AuditView(v))
	if strings.Contains(out, xss) {
		t.Errorf("unescaped %s in output", xss)
	}
}

func TestLayoutNavigation(t *testing.T) {
	for _, current := range []string{"/sessions", "/accounts", "/history", "/audit", ""} {
		v := historyPage(nil, false)
		v.Nav = current
		doc := parseHTML(t, render(t, HistoryView(v)))
		nav := doc.one(t, hasAttr("aria-label", "Main"))
		if nav.name != "nav" {
			t.Errorf("main navigation is a <%s>", nav.name)
		}
		var links, marked []string
		for _, a := range nav.all(isTag("a")) {
			links = append(links, a.attrs["href"]+" "+a.text())
			if v, ok := a.attrs["aria-current"]; ok {
				if v != "page" {
					t.Errorf("aria-current=%q, want page", v)
				}
				marked = append(marked, a.attrs["href"])
			}
		}
		if got := strings.Join(links, "|"); got != "/sessions Sessions|/accounts Accounts|/history History|/audit Audit log" {
			t.Errorf("navigation links %q", got)
		}
		want := []string{current}
		if current == "" {
			want = nil
		}
		if !slices.Equal(marked, want) {
			t.Errorf("Nav %q: links marked current %q, want %q", current, marked, want)
		}
	}

	doc := parseHTML(t, render(t, LoginView(LoginPage{Page: Page{Title: "Sign in", Nav: "/sessions"}})))
	if doc.any(hasAttr("aria-label", "Main")) {
		t.Error("navigation shown to a visitor who has not signed in")
	}
}
