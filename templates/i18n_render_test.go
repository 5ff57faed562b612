package templates

import (
	"bytes"
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/a-h/templ"
	"golang.org/x/net/html"

	"github.com/ftppanel/ftppanel/internal/i18n"
)

// sameInEveryLanguage are English words a translated page may show as they
// are: names of protocols and of the program, and what the user typed.
var sameInEveryLanguage = []string{"FTP", "FTPS", "ftppanel", "API", "JSON", "UTC", "IP"}

// everyPage renders each page of the panel, in the states that show the most
// text, as a user of l's language would get it: the values the panel formats
// are formatted by l, as the panel does.
func everyPage(l *i18n.Locale) map[string]templ.Component {
	at := time.Date(2026, 12, 3, 9, 4, 5, 0, time.UTC)
	when := Time{At: at, Text: "2026-12-03 09:04:05 UTC", ISO: at.Format(time.RFC3339), Present: true}
	clockTime := Time{Text: "09:04", ISO: at.Format(time.RFC3339), Present: true}
	admin := Page{Title: l.T("SessionsHeading"), User: "root", Role: "admin", Nav: "/sessions", Here: "/sessions", Fleet: true,
		Unreachable: FleetBanner{Since: clockTime, Node: "web-1"},
		Maintenance: MaintenanceBanner{On: true, Since: when, By: "root", Message: "back at ten", Node: "web-1", Deadline: when},
		Certificate: CertificateBanner{Expires: when, Date: "2026-12-03", Days: 5}}
	expired := admin
	expired.Certificate.Days = -1
	customer := Page{Title: l.T("SessionsHeading"), User: "acme", Role: "customer", Nav: "/sessions", Here: "/sessions"}
	row := SessionRow{ID: "S1", Node: "web-1", Login: "bob", Customer: "acme", Remote: "192.0.2.10:50123", RemoteIP: "192.0.2.10",
		Client: "FileZilla", Encrypted: true, LoggedInAt: when, ConnectedFor: l.Duration(5 * time.Minute),
		IdleFor: l.Duration(3 * time.Second), State: "uploading", File: "/site/index.html",
		Progress: l.T("ProgressAt", "Progress", l.T("ProgressOfSize", "Bytes", l.Bytes(3<<20), "Size", l.Bytes(6<<20), "Percent", "50"), "Rate", l.Rate(1.5*(1<<20))),
		Percent:  50, BytesUp: l.Bytes(3 << 20), BytesDown: l.Bytes(0), LongIdle: true, IdleNote: l.T("LongIdle"),
		Limit:        l.T("LimitedTo", "Limit", l.Limit(1<<20)),
		AccountLimit: l.T("AccountLimitOf", "Limits", l.T("LimitsDownUp", "Down", l.Limit(2<<20), "Up", l.Limit(0)))}
	plain := SessionRow{ID: "S2", Login: "", Remote: "198.51.100.7:4000", RemoteIP: "198.51.100.7", State: "not logged in",
		ConnectedFor: l.Duration(2 * time.Hour), IdleFor: l.Duration(50 * time.Hour), BytesUp: l.Bytes(0), BytesDown: l.Bytes(1 << 30), Percent: -1}
	var columns []Column
	for _, id := range []string{"Login", "Customer", "Node", "From", "Client", "Security", "LoggedIn", "Connected", "Idle", "State", "File", "UpDown"} {
		columns = append(columns, Column{Title: id, SortURL: "/sessions?sort=x"})
	}
	live := SessionsLive{IsAdmin: true, Rows: []SessionRow{row, plain}, Total: 120, From: 1, To: 2, PrevURL: "/sessions?page=1",
		NextURL: "/sessions?page=3", Columns: columns, ShowNode: true,
		Totals: SessionTotals{Sessions: 1234, Users: 2, Transfers: 1, Rate: l.Rate(1.5 * (1 << 20))},
		Chart: TrafficChart{Show: true, Points: "0,60 300,0", Now: l.Rate(1 << 20), Peak: l.Rate(2 << 20),
			Label: l.T("ChartLabel", "Duration", l.Duration(5*time.Minute), "Now", l.Rate(1<<20), "Peak", l.Rate(2<<20))},
		Fleet: FleetStatus{Show: true, Unreachable: FleetBanner{Since: clockTime, Node: "web-1"}, Down: []string{"web-2"}, SomeDown: true,
			Nodes: []NodeTotal{{Name: "web-1", URL: "/sessions?node=web-1", Sessions: 1, Transfers: 2, Rate: l.Rate(0), Up: true},
				{Name: "web-2", URL: "/sessions?node=web-2", Sessions: 0, Transfers: 0, Rate: l.Rate(0)}}}}
	filter := SessionFilter{Login: "bob", States: []string{"idle", "uploading", "downloading", "listing", "not logged in"},
		Nodes: []string{"web-1", "web-2"}, Active: true}
	account := AccountRow{Login: "bob", Customer: "acme", Home: "/bob", IdleTimeout: l.T("ServerDefaultIs", "Duration", l.Duration(15*time.Minute)), Sessions: 2,
		Limits: l.T("LimitsDownUp", "Down", l.Limit(2<<20), "Up", l.Limit(512<<10))}
	history := []HistoryRow{
		{SessionID: "H1", Login: "bob", Customer: "acme", RemoteIP: "192.0.2.10", Client: "lftp", Started: when, Ended: when,
			Duration: l.Duration(3 * time.Minute), BytesUp: l.Bytes(12 << 10), BytesDown: l.Bytes(0), FilesUp: 1, EndReason: "disconnected by root: back soon", Node: "web-1"},
		{SessionID: "H2", RemoteIP: "2001:db8::1", Started: when, Ended: when, Duration: l.Duration(2 * time.Second),
			BytesUp: l.Bytes(0), BytesDown: l.Bytes(0), EndReason: "login failed"},
	}
	var reasons []ReasonOption
	for kind := range endKindMessages {
		reasons = append(reasons, ReasonOption{Value: kind, Label: EndKindLabel(kind)})
	}
	pager := Pager{NewerURL: "/x?page=1", OlderURL: "/x?page=3", First: 101, Last: 200}
	audit := []AuditRow{{ID: 7, At: when, Actor: "root", Action: "disconnect", Login: "bob", Customer: "acme", RemoteIP: "192.0.2.10",
		Detail: "uploading /site/index.html", Node: "web-1"}, {ID: 8, At: when, Actor: "acme", Action: "create account", Login: "carol"}}
	pages := map[string]templ.Component{
		"login":            LoginView(LoginPage{Page: Page{Title: l.T("SignIn")}, Username: "acme", Error: l.T("InvalidCredentials")}),
		"error":            ErrorView(ErrorPage{Page: customer, Heading: l.T("SessionNotFound"), Message: l.T("SessionNotFoundText")}),
		"error signed out": ErrorView(ErrorPage{Page: Page{Title: l.T("LinkUsed")}, Heading: l.T("LinkUsed"), Message: l.T("LinkUsedText")}),
		"sessions admin": SessionsView(SessionsPage{Page: admin, Flash: l.T("FlashDisconnected", "Login", "bob", "IP", "192.0.2.10"),
			IsAdmin: true, Filter: filter, Live: live, Query: "?login=bob", Kick: KickShown{Network: "192.0.2.0/24", Shown: "ip=192.0.2.0/24"}}),
		"sessions customer": SessionsView(SessionsPage{Page: customer, Live: SessionsLive{Rows: []SessionRow{row}, Total: 1, From: 1, To: 1,
			Columns: columns[:1], Totals: SessionTotals{Sessions: 1, Rate: l.Rate(0)}}}),
		"sessions empty":    SessionsView(SessionsPage{Page: customer, Live: SessionsLive{Totals: SessionTotals{Rate: l.Rate(0)}}}),
		"sessions no match": SessionsView(SessionsPage{Page: customer, Live: SessionsLive{Filtered: true, Totals: SessionTotals{Sessions: 3, Rate: l.Rate(0)}}}),
		"sessions server":   SessionsLiveView(SessionsLive{IsAdmin: true, Rows: []SessionRow{plain}, Total: 1, From: 1, To: 1, Columns: columns}),
		"confirm":           ConfirmView(ConfirmPage{Page: customer, Row: row, LoginSessions: 3}),
		"limit":             LimitView(LimitPage{Page: customer, Row: row, Error: l.T("LimitMissing")}),
		"limit plain":       LimitView(LimitPage{Page: customer, Row: plain}),
		"ban":               BanConfirmView(BanConfirmPage{Page: admin, Row: row, Sessions: 2}),
		"bulk": BulkConfirmView(BulkConfirmPage{Page: admin, Heading: l.T("DisconnectEveryOf", "Login", "bob"),
			Rows: []SessionRow{row, plain}, Login: "bob"}),
		"bulk ended": BulkConfirmView(BulkConfirmPage{Page: admin, Heading: l.T("DisconnectSessionsQuestion", "Sessions", l.N("SessionCount", 0))}),
		"bans": BansView(BansPage{Page: admin, Flash: l.T("FlashBanLifted", "IP", "192.0.2.9"), Bans: []BanRow{
			{ID: "1", IP: "192.0.2.10", Reason: "spam", By: "root", Since: when, Until: when}, {ID: "2", IP: "192.0.2.11", By: "root", Since: when}}}),
		"bans empty": BansView(BansPage{Page: admin}),
		"accounts admin": AccountsView(AccountsPage{Page: admin, Flash: l.T("FlashAccountAdded", "Login", "bob", "Home", "/bob"), IsAdmin: true,
			Rows:      []AccountRow{account, {Login: "gina", Customer: "globex", Home: "/gina", Disabled: true, IdleTimeout: l.T("ServerDefault")}},
			Customers: []string{"acme", "globex"}, Form: NewAccountForm{Login: "x", Error: l.T("LoginTaken", "Login", "x", "Suggestion", "acme-x")}}),
		"accounts customer":  AccountsView(AccountsPage{Page: customer, Rows: []AccountRow{account}}),
		"accounts empty":     AccountsView(AccountsPage{Page: admin, IsAdmin: true}),
		"account password":   AccountPasswordView(AccountPasswordPage{Page: customer, Row: account, Error: l.T("PasswordsDiffer")}),
		"account password 0": AccountPasswordView(AccountPasswordPage{Page: customer, Row: AccountRow{Login: "bob"}}),
		"account delete":     AccountDeleteView(AccountDeletePage{Page: customer, Row: account}),
		"history": HistoryView(HistoryPage{Page: admin, Rows: history, Filter: HistoryFilter{Login: "bob", Reason: "quit"},
			Reasons: reasons, Pager: pager, IsAdmin: true, ShowNode: true, Nodes: []string{"web-1"}}),
		"history customer": HistoryView(HistoryPage{Page: customer, Rows: history[:1], Pager: Pager{First: 1, Last: 1}}),
		"history empty":    HistoryView(HistoryPage{Page: customer}),
		"history no match": HistoryView(HistoryPage{Page: customer, Filter: HistoryFilter{IP: "10.0.0.1"}}),
		"history past":     HistoryView(HistoryPage{Page: customer, Pager: Pager{NewerURL: "/history?page=2"}}),
		"audit":            AuditView(AuditPage{Page: admin, Rows: audit, Pager: Pager{First: 1, Last: 2}, IsAdmin: true, ShowNode: true, Node: "web-1", Nodes: []string{"web-1"}}),
		"audit customer":   AuditView(AuditPage{Page: customer, Rows: audit, Pager: pager}),
		"audit empty":      AuditView(AuditPage{Page: customer}),
		"audit empty node": AuditView(AuditPage{Page: admin, IsAdmin: true, ShowNode: true, Node: "web-2"}),
		"audit past":       AuditView(AuditPage{Page: customer, Pager: Pager{NewerURL: "/audit?page=2"}}),
		"nodes": NodesView(NodesPage{Page: admin, Nodes: []NodeRow{{Name: "web-1", Version: "1.4.0", UpSince: when, LastHeard: when,
			Sessions: 1, Transfers: 1, Rate: l.Rate(1 << 20), Up: true, Self: true}, {Name: "web-2", Version: "1.4.0", LastHeard: when}}}),
		"nodes alone":         NodesView(NodesPage{Page: Page{Title: "x", User: "root", Role: "admin"}}),
		"password":            PasswordView(PasswordPage{Page: customer, Flash: l.N("FlashPasswordChangedSignedOut", 2), Error: l.T("CurrentPasswordWrong")}),
		"tokens":              TokensView(TokensPage{Page: customer, NewToken: "ftpt_abc", Flash: l.T("FlashTokenRevoked"), Error: l.T("FormUnreadable"), Tokens: []TokenRow{{ID: "1", Label: "backup", Created: when, LastUsed: when}, {ID: "2", Label: "cron", Created: when}}}),
		"tokens empty":        TokensView(TokensPage{Page: customer}),
		"maintenance on":      MaintenanceView(MaintenancePage{Page: admin, Flash: l.T("FlashMaintenanceOn"), Error: l.T("MaintenanceAfterInvalid"), Message: "back at ten", After: "10m"}),
		"maintenance off":     MaintenanceView(MaintenancePage{Page: Page{Title: "x", User: "root", Role: "admin"}}),
		"login link":          LoginLinkView(LoginLinkPage{User: "acme"}),
		"expired certificate": ErrorView(ErrorPage{Page: expired, Heading: l.T("PageNotFound"), Message: l.T("PageNotFoundText")}),
		"account limits": AccountLimitsView(AccountLimitsPage{Page: customer, Row: account, Down: "fast", Up: "512K",
			Error: l.T("DownloadLimitNotAccepted", "Reason", l.T("LimitNotRate", "Text", `"fast"`))}),
		"bulk limit": BulkLimitView(BulkLimitPage{Page: customer, Rows: []SessionRow{row, plain},
			Error: l.T("LimitRefused", "Reason", l.T("LimitTooFast", "Text", `"200G"`))}),
		"bulk limit ended": BulkLimitView(BulkLimitPage{Page: customer}),
	}
	return pages
}

// visibleTexts are a page's text nodes and the attributes people see or hear,
// each with its whitespace collapsed.
func visibleTexts(t *testing.T, page string) []string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	add := func(s string) {
		if s = strings.Join(strings.Fields(s), " "); s != "" {
			out = append(out, s)
		}
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			add(n.Data)
		case html.ElementNode:
			if n.Data == "script" || n.Data == "style" {
				return
			}
			for _, a := range n.Attr {
				switch a.Key {
				case "aria-label", "placeholder", "data-label", "alt":
					add(a.Val)
				case "title":
					if n.Data != "time" { // a <time>'s title is the exact time, for machines and hover
						add(a.Val)
					}
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out
}

// englishLeft returns the texts of a page in language tag that are English
// text of the catalog: whole messages or the fixed parts around their values,
// where the language's own catalog says it otherwise.
func englishLeft(t *testing.T, tag string, texts []string) []string {
	t.Helper()
	en, own := catalogTexts(t, "en"), catalogTexts(t, tag)
	ownText := strings.Join(slices.Collect(mapValues(own)), "\n")
	var fragments []string
	for id, text := range en {
		if own[id] == text {
			continue // the same in both languages: "Status", "Version"
		}
		for _, part := range regexp.MustCompile(`{{[^}]*}}`).Split(text, -1) {
			part = strings.Trim(part, " .,;:()…?!“”")
			if len([]rune(part)) < 3 || strings.Contains(ownText, part) || slices.Contains(sameInEveryLanguage, part) {
				continue
			}
			fragments = append(fragments, part)
		}
	}
	var left []string
	for _, text := range texts {
		for _, f := range fragments {
			if text == f || strings.Contains(f, " ") && strings.Contains(text, f) {
				left = append(left, text+"   ← "+f)
				break
			}
		}
	}
	return left
}

func mapValues(m map[string]string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for _, v := range m {
			if !yield(v) {
				return
			}
		}
	}
}

// catalogTexts are a catalog's texts by id, each plural form under id/form.
func catalogTexts(t *testing.T, tag string) map[string]string {
	t.Helper()
	data, err := i18n.Catalog(tag)
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	if err := toml.Unmarshal(data, &raw); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for id, v := range raw {
		switch v := v.(type) {
		case string:
			out[id] = v
		case map[string]any:
			for form, text := range v {
				out[id+"/"+form], _ = text.(string)
			}
		}
	}
	return out
}

func renderIn(t *testing.T, l *i18n.Locale, c templ.Component) string {
	t.Helper()
	var buf bytes.Buffer
	if err := c.Render(i18n.WithLocale(context.Background(), l), &buf); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// TestTranslatedPagesHaveNoEnglishLeft renders every page in each language but
// English and fails on English text of the catalog left in it.
func TestTranslatedPagesHaveNoEnglishLeft(t *testing.T) {
	for _, lang := range i18n.Languages[1:] {
		t.Run(lang.Tag, func(t *testing.T) {
			l := i18n.For(lang.Tag)
			for name, page := range everyPage(l) {
				body := renderIn(t, l, page)
				if !strings.Contains(body, `<html lang="`+lang.Tag+`"`) && !strings.HasPrefix(name, "sessions server") {
					t.Errorf("%s: no <html lang=%q>", name, lang.Tag)
				}
				if left := englishLeft(t, lang.Tag, visibleTexts(t, body)); len(left) > 0 {
					t.Errorf("%s in %s shows English:\n%s", name, lang.Tag, strings.Join(left, "\n"))
				}
			}
		})
	}
}

// The check finds English where it is left: an English page, and one English
// sentence in a German one.
func TestEnglishLeftIsFound(t *testing.T) {
	en := i18n.For("en")
	body := renderIn(t, en, everyPage(en)["sessions admin"])
	if left := englishLeft(t, "de", visibleTexts(t, body)); len(left) < 20 {
		t.Errorf("the English sessions page checked as German: only %d English texts found:\n%s", len(left), strings.Join(left, "\n"))
	}
	de := i18n.For("de")
	body = renderIn(t, de, ErrorView(ErrorPage{Page: Page{Title: "x"}, Heading: de.T("PageNotFound"), Message: en.T("SessionShowsHere")}))
	if left := englishLeft(t, "de", visibleTexts(t, body)); len(left) != 1 {
		t.Errorf("a German page with one English sentence: found %q", left)
	}
}

// In English the pages say what the tests of the panel rely on.
func TestEnglishPagesKeepTheirTexts(t *testing.T) {
	en := i18n.For("en")
	pages := everyPage(en)
	for name, want := range map[string][]string{
		"sessions empty":    {"No users logged in", ">Disconnect selected<"},
		"sessions customer": {">Disconnect</button>", "of your FTP accounts"},
		"sessions admin":    {"Disconnected bob (192.0.2.10)", "1,234", "1.5 MiB/s"},
	} {
		body := renderIn(t, en, pages[name])
		for _, w := range want {
			if !strings.Contains(body, w) {
				t.Errorf("%s in English lacks %q", name, w)
			}
		}
	}
}
