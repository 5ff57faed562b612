package panel

import (
	"cmp"
	"fmt"
	"github.com/ftppanel/ftppanel/internal/i18n"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ftppanel/ftppanel/internal/session"
	"github.com/ftppanel/ftppanel/internal/store"
	"github.com/ftppanel/ftppanel/templates"
)

// pageSize is how many sessions one page of the list shows.
const pageSize = 100

// sessionsQuery is what the list shows, read from the URL so a view can be
// bookmarked: the filter, the sort and the page.
type sessionsQuery struct {
	filter session.Filter
	sort   string
	desc   bool
	page   int
}

// sortKey is a column the list sorts by.
type sortKey struct {
	key, title string // title: a message id
	adminOnly  bool
	fleetOnly  bool // only when this node is one of a fleet
	less       func(a, b session.Snapshot) int
}

// shows says whether the list has this column for u.
func (k sortKey) shows(admin, fleet bool) bool {
	return (!k.adminOnly || admin) && (!k.fleetOnly || fleet)
}

// sortKeys are the columns in the order the table shows them.
var sortKeys = []sortKey{
	{"login", i18n.Msg("Login"), false, false, func(a, b session.Snapshot) int { return cmp.Compare(a.Login, b.Login) }},
	{"customer", i18n.Msg("Customer"), true, false, func(a, b session.Snapshot) int { return cmp.Compare(a.Customer, b.Customer) }},
	{"node", i18n.Msg("Node"), true, true, func(a, b session.Snapshot) int { return cmp.Compare(a.Node, b.Node) }},
	{"ip", i18n.Msg("From"), false, false, func(a, b session.Snapshot) int {
		return cmp.Or(cmp.Compare(a.RemoteIP, b.RemoteIP), cmp.Compare(a.RemotePort, b.RemotePort))
	}},
	{"client", i18n.Msg("Client"), false, false, func(a, b session.Snapshot) int { return cmp.Compare(a.Client, b.Client) }},
	{"security", i18n.Msg("Security"), false, false, func(a, b session.Snapshot) int { return cmp.Compare(btoi(a.TLS), btoi(b.TLS)) }},
	{"logged_in", i18n.Msg("LoggedIn"), false, false, func(a, b session.Snapshot) int { return a.LoggedInAt.Compare(b.LoggedInAt) }},
	{"connected", i18n.Msg("Connected"), false, false, func(a, b session.Snapshot) int { return b.ConnectedAt.Compare(a.ConnectedAt) }},
	{"idle", i18n.Msg("Idle"), false, false, func(a, b session.Snapshot) int { return cmp.Compare(a.IdleFor(), b.IdleFor()) }},
	{"state", i18n.Msg("State"), false, false, func(a, b session.Snapshot) int { return cmp.Compare(a.State, b.State) }},
	{"file", i18n.Msg("File"), false, false, func(a, b session.Snapshot) int { return cmp.Compare(a.File, b.File) }},
	{"bytes", i18n.Msg("UpDown"), false, false, func(a, b session.Snapshot) int {
		return cmp.Compare(a.BytesUp+a.BytesDown, b.BytesUp+b.BytesDown)
	}},
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// parseSessionsQuery reads the list's parameters. Unknown or malformed values
// fall back to the default view rather than failing: a bookmark stays usable.
// fleet says whether this node is one of a fleet: only then may an admin
// filter and sort by node.
func parseSessionsQuery(r *http.Request, u store.User, fleet bool) sessionsQuery {
	return parseSessionsValues(r.URL.Query(), u, fleet)
}

// parseSessionsValues is parseSessionsQuery for a query already read, such as
// the list's filter that "Disconnect all shown" posts back.
func parseSessionsValues(v url.Values, u store.User, fleet bool) sessionsQuery {
	q := sessionsQuery{
		filter: session.Filter{
			Login: strings.TrimSpace(v.Get("login")),
			IP:    strings.TrimSpace(v.Get("ip")),
		},
		sort: v.Get("sort"),
		desc: v.Get("dir") == "desc",
		page: 1,
	}
	if u.IsAdmin() {
		q.filter.Customer = strings.TrimSpace(v.Get("customer"))
	}
	if u.IsAdmin() && fleet {
		q.filter.Node = strings.TrimSpace(v.Get("node"))
	}
	if st := session.State(v.Get("state")); session.ValidState(st) {
		q.filter.State = st
	}
	if !slices.ContainsFunc(sortKeys, func(k sortKey) bool {
		return k.key == q.sort && k.shows(u.IsAdmin(), fleet)
	}) {
		q.sort, q.desc = "", false
	}
	if n, err := strconv.Atoi(v.Get("page")); err == nil && n > 1 {
		q.page = n
	}
	return q
}

// values writes the query back, leaving out defaults, with page and sort as given.
func (q sessionsQuery) values(sort string, desc bool, page int) url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"login": q.filter.Login, "customer": q.filter.Customer, "ip": q.filter.IP,
		"state": string(q.filter.State), "node": q.filter.Node} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if sort != "" {
		v.Set("sort", sort)
		if desc {
			v.Set("dir", "desc")
		}
	}
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	return v
}

func encode(v url.Values) string {
	if len(v) == 0 {
		return ""
	}
	return "?" + v.Encode()
}

func (q sessionsQuery) queryString() string { return encode(q.values(q.sort, q.desc, q.page)) }

func (q sessionsQuery) filtered() bool { return q.filter != session.Filter{} }

// kickNetwork is the address or range of the address filter when it is one
// (so "Disconnect all shown" may be offered), else "".
func (q sessionsQuery) kickNetwork() string {
	network, err := addressNetwork(q.filter.IP)
	if err != nil {
		return ""
	}
	return network
}

// liveView builds the part of the list that updates itself.
func (p *Panel) liveView(l *i18n.Locale, u store.User, q sessionsQuery) templates.SessionsLive {
	v := templates.SessionsLive{IsAdmin: u.IsAdmin(), Filtered: q.filtered(),
		ShowNode: u.IsAdmin() && p.fleet != nil, Fleet: p.fleetStatus(l, u.IsAdmin())}
	if u.IsAdmin() {
		v.Chart = trafficChart(l, p.sessions.Traffic())
	}

	var rows []session.Snapshot
	var from, page, pages int
	if !q.filtered() && q.sort == "" {
		// The default view copies only the sessions it shows.
		var sum session.Summary
		rows, from, sum = p.sessions.Page(scope(u), q.page, pageSize)
		v.Totals, v.Total = totals(l, sum), sum.Sessions
		page = from/pageSize + 1
	} else {
		all := p.sessions.List(scope(u), session.Filter{})
		v.Totals = totals(l, session.Summarize(all))
		matched := all[:0] // filtered in place: the list is this request's own copy
		for _, s := range all {
			if q.filter.Match(s) {
				matched = append(matched, s)
			}
		}
		for _, k := range sortKeys {
			if k.key == q.sort {
				slices.SortStableFunc(matched, func(a, b session.Snapshot) int {
					if q.desc {
						return k.less(b, a)
					}
					return k.less(a, b)
				})
			}
		}
		v.Total = len(matched)
		page = min(q.page, max(1, (len(matched)+pageSize-1)/pageSize))
		from = (page - 1) * pageSize
		rows = matched[from:min(from+pageSize, len(matched))]
	}
	pages = max(1, (v.Total+pageSize-1)/pageSize)
	v.From, v.To = from+1, from+len(rows)
	for _, s := range rows {
		v.Rows = append(v.Rows, p.sessionRow(l, s))
	}
	if page > 1 {
		v.PrevURL = "/sessions" + encode(q.values(q.sort, q.desc, page-1))
	}
	if page < pages {
		v.NextURL = "/sessions" + encode(q.values(q.sort, q.desc, page+1))
	}
	for _, k := range sortKeys {
		if !k.shows(u.IsAdmin(), p.fleet != nil) {
			continue
		}
		c := templates.Column{Title: k.title}
		desc := false
		if k.key == q.sort {
			c.Sorted = "ascending"
			if q.desc {
				c.Sorted = "descending"
			} else {
				desc = true // a second click reverses
			}
		}
		c.SortURL = "/sessions" + encode(q.values(k.key, desc, 1))
		v.Columns = append(v.Columns, c)
	}
	return v
}

func totals(l *i18n.Locale, sum session.Summary) templates.SessionTotals {
	return templates.SessionTotals{Sessions: sum.Sessions, Users: sum.Users, Transfers: sum.Transfers, Rate: l.Rate(sum.Rate)}
}

// trafficChart draws the server's total rate as a polyline in a 300×60 box.
func trafficChart(l *i18n.Locale, points []session.TrafficPoint) templates.TrafficChart {
	c := templates.TrafficChart{Show: true, Now: l.Rate(0), Peak: l.Rate(0)}
	if len(points) == 0 {
		c.Label = l.T("ChartNoData")
		return c
	}
	peak := 0.0
	for _, pt := range points {
		peak = max(peak, pt.Rate)
	}
	var b strings.Builder
	step := 300.0 / float64(session.TrafficHistoryLen-1)
	offset := session.TrafficHistoryLen - len(points) // newest at the right edge
	for i, pt := range points {
		y := 60.0
		if peak > 0 {
			y = 60 - pt.Rate/peak*58
		}
		fmt.Fprintf(&b, "%.1f,%.1f ", float64(offset+i)*step, y)
	}
	c.Points = strings.TrimSpace(b.String())
	c.Now = l.Rate(points[len(points)-1].Rate)
	c.Peak = l.Rate(peak)
	c.Label = l.T("ChartLabel", "Duration", l.Duration(time.Duration(len(points))*time.Second), "Now", c.Now, "Peak", c.Peak)
	return c
}
