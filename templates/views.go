// Package templates holds the panel's HTML views as templ components. The
// generated *_templ.go files are committed; `make check-generated` fails when
// they are stale.
package templates

import (
	"context"
	"time"

	"github.com/ftppanel/ftppanel/internal/i18n"
)

// Page is what every page's frame shows.
type Page struct {
	Title string
	User  string // the signed-in panel user; empty on the login page
	Role  string // "admin" or "customer"
	Nav   string // the Path of the NavLinks entry this page is; "" for none
	// Here is this page's path and query from the panel's root, where the
	// language switch comes back to.
	Here string
	// Fleet is set when this node is one of a fleet: the header then links to
	// the fleet's nodes. Unreachable is set while the fleet is out of reach.
	Fleet       bool
	Unreachable FleetBanner
	// LiveFleetBanner is set by a page that shows the fleet's state in its own
	// live part, so that the frame does not show it twice.
	LiveFleetBanner bool
	// Maintenance is set while this node's FTP server is in maintenance: every
	// page says so.
	Maintenance MaintenanceBanner
	// Certificate is set for an admin when the FTPS certificate expires within
	// 14 days or has expired: every page says so.
	Certificate CertificateBanner
}

// CertificateBanner is the FTPS certificate's coming expiry as every page shows
// it to admins; Expires is not Present when there is nothing to warn of.
type CertificateBanner struct {
	Expires Time
	Date    string // the day it expires, UTC, as 2026-12-08
	Days    int    // whole days left; negative once it has expired
}

// MaintenanceBanner is this node's maintenance state as every page shows it.
type MaintenanceBanner struct {
	On       bool
	Since    Time
	By       string
	Message  string
	Node     string
	Deadline Time // not Present when sessions in progress are never ended for it
}

// MaintenancePage switches this node's FTP server in and out of maintenance.
type MaintenancePage struct {
	Page
	Flash string
	Error string
	// Message and After are the form's values, kept after an error.
	Message string
	After   string
}

// RoleName is the message of the signed-in user's role as the header shows it.
func (p Page) RoleName() string {
	switch p.Role {
	case "admin":
		return i18n.Msg("RoleAdministrator")
	case "customer":
		return i18n.Msg("RoleCustomer")
	}
	return p.Role
}

// Languages are the choices of the language switch.
func Languages() []i18n.Language { return i18n.Languages }

// LoginText shows an FTP login, or that the session had not logged in.
func LoginText(ctx context.Context, login string) string {
	if login == "" {
		return T(ctx, "NotLoggedIn")
	}
	return login
}

// stateMessages are the words for a session's state.
var stateMessages = map[string]string{
	"idle":          i18n.Msg("StateIdle"),
	"uploading":     i18n.Msg("StateUploading"),
	"downloading":   i18n.Msg("StateDownloading"),
	"listing":       i18n.Msg("StateListing"),
	"not logged in": i18n.Msg("StateNotLoggedIn"),
}

// StateText is a session's state in the request's language.
func StateText(ctx context.Context, state string) string {
	if id, ok := stateMessages[state]; ok {
		return T(ctx, id)
	}
	return state
}

// SessionRow is one FTP session as the table shows it. Every field is ready to
// print; the panel formats them.
type SessionRow struct {
	ID           string
	Node         string // the node whose FTP server holds the session
	Login        string // "" before login
	Customer     string
	Remote       string // IP and port
	RemoteIP     string
	Client       string
	Encrypted    bool
	LoggedInAt   Time
	ConnectedFor string
	IdleFor      string
	State        string
	File         string
	Progress     string // bytes so far, rate, percent when known
	Percent      int    // of the file moved, when its size is known; -1 otherwise
	BytesUp      string
	BytesDown    string
	// LongIdle marks a session idle past the panel's warning threshold; IdleNote
	// says so in words, with when the server will drop it.
	LongIdle bool
	IdleNote string
	// Limit is the session's speed limit in words ("limited to 1 MiB/s"); ""
	// without one.
	Limit string
	// AccountLimit is its FTP account's limits in words ("account: down 2
	// MiB/s, up no limit"); "" when the account has none.
	AccountLimit string
}

// Time is an instant as shown: text in UTC, and the exact time for machines.
// At, when set, lets the page write it in the reader's language.
type Time struct {
	At      time.Time
	Text    string
	ISO     string
	Present bool
}

// SessionsPage is the FTP Sessions list.
type SessionsPage struct {
	Page
	Flash   string
	IsAdmin bool
	Filter  SessionFilter
	Live    SessionsLive
	// Query is this view's query string ("" or "?login=bob&page=2"): the same view
	// at /sessions, and its live updates (Server-Sent Events) at /sessions/live.
	Query string
	Kick  KickShown
}

// SessionFilter is the list's filter form, as the user filled it in.
type SessionFilter struct {
	Login    string
	Customer string
	IP       string
	State    string
	States   []string // the choices
	Node     string
	Nodes    []string // the choices; none for a single node or a customer
	Sort     string   // kept when the filter changes
	Dir      string
	Active   bool // some filter is set
}

// SessionsLive is the part of the list that updates itself: totals, the traffic
// chart, the table and its pager.
type SessionsLive struct {
	IsAdmin bool
	Rows    []SessionRow
	Totals  SessionTotals
	Chart   TrafficChart
	// Total is how many sessions the filter matched; Rows is one page of them.
	Total    int
	From, To int
	PrevURL  string
	NextURL  string
	Filtered bool // a filter is set, so an empty list means no match
	Columns  []Column
	// ShowNode adds the Node column: an admin's view of a fleet.
	ShowNode bool
	Fleet    FleetStatus
}

// FleetBanner says since when the fleet's messaging has been out of reach, so
// that the panel shows only this node's sessions. Since is not Present while it
// is reachable.
type FleetBanner struct {
	Since Time
	Node  string // this node's name
}

// FleetStatus is what the sessions list says about the fleet's nodes.
type FleetStatus struct {
	Show        bool        // this node is one of a fleet
	Unreachable FleetBanner // set while the fleet's messaging is out of reach
	Down        []string    // nodes that are down, by name (admins)
	SomeDown    bool        // some node is down (what a customer is told)
	Nodes       []NodeTotal // per node (admins)
}

// NodeTotal is one node's figures above the sessions table.
type NodeTotal struct {
	Name      string
	URL       string // the list filtered to its sessions
	Sessions  int
	Transfers int
	Rate      string
	Up        bool
}

// SessionTotals are the figures above the table, over all the user's sessions.
type SessionTotals struct {
	Sessions  int
	Users     int // distinct logins
	Transfers int
	Rate      string
}

// TrafficChart is the server's total rate over the last minutes, drawn as SVG.
type TrafficChart struct {
	Show   bool
	Points string // polyline points in a 0..300 × 0..60 box
	Now    string
	Peak   string
	Label  string // what a screen reader hears
}

// Column is a sortable column header.
type Column struct {
	Title   string
	SortURL string
	Sorted  string // "ascending", "descending" or "" (for aria-sort)
}

// NodeRow is one node of the fleet as the nodes page shows it.
type NodeRow struct {
	Name      string
	Version   string
	UpSince   Time
	LastHeard Time
	Sessions  int
	Transfers int
	Rate      string
	Up        bool
	Self      bool // the node answering
}

// NodesPage lists the fleet's nodes, or this node alone.
type NodesPage struct {
	Page
	Nodes []NodeRow
}

// ConfirmPage asks before disconnecting a session, for browsers without JavaScript.
type ConfirmPage struct {
	Page
	Row SessionRow
	// LoginSessions is how many sessions the same login has, this one included.
	LoginSessions int
}

// LoginPage is the sign-in form.
type LoginPage struct {
	Page
	Username string
	Error    string
}

// ErrorPage explains why a request could not be served.
type ErrorPage struct {
	Page
	Heading string
	Message string
}

// LimitURL is where a session's speed limit is set: its page (GET) and the
// form's target (POST).
func LimitURL(id string) string { return "/sessions/" + id + "/limit" }

// LimitPage sets or lifts a session's speed limit: the page for browsers
// without JavaScript.
type LimitPage struct {
	Page
	Row   SessionRow
	Error string
}

// LimitPreset is a speed offered in the limit dialog and page.
type LimitPreset struct {
	Value string // as the form sends it: "1M"
	Label int64  // bytes per second, written in the reader's language
}

// LimitPresets are the speeds offered, slowest first.
var LimitPresets = []LimitPreset{{"256K", 256 << 10}, {"512K", 512 << 10}, {"1M", 1 << 20},
	{"2M", 2 << 20}, {"5M", 5 << 20}, {"10M", 10 << 20}}

// DisconnectURL is where the confirmation for a session lives.
func DisconnectURL(id string) string { return "/sessions/" + id + "/disconnect" }

// LoginOrDash shows a session's login, or that it has not logged in yet.
func (r SessionRow) LoginOrDash() string {
	if r.Login == "" {
		return "(not logged in)"
	}
	return r.Login
}

// BanURL is where the confirmation for "disconnect and ban" lives.
func BanURL(id string) string { return "/sessions/" + id + "/ban" }

// BanDuration is a choice of how long a ban lasts.
type BanDuration struct{ Value, Label string }

// BanDurations are the choices the ban form offers; "permanent" lasts until lifted.
var BanDurations = []BanDuration{
	{"1h", i18n.Msg("BanOneHour")}, {"24h", i18n.Msg("Ban24Hours")}, {"168h", i18n.Msg("Ban7Days")},
	{"720h", i18n.Msg("Ban30Days")}, {"permanent", i18n.Msg("BanUntilLifted")},
}

// BanConfirmPage asks before disconnecting and banning an address.
type BanConfirmPage struct {
	Page
	Row      SessionRow
	Sessions int // sessions from that address now
}

// BulkConfirmPage asks before disconnecting several sessions.
type BulkConfirmPage struct {
	Page
	Heading string
	Rows    []SessionRow
	Login   string // set when the sessions are all of one login
	Shown   string // set for "Disconnect all shown": the list's filter, as a query
}

// BulkLimitPage asks at what speed to limit the sessions ticked in the list.
type BulkLimitPage struct {
	Page
	Rows  []SessionRow
	Error string
}

// KickShown is "Disconnect all shown" on the list: offered while the address
// filter is an address or a CIDR range.
type KickShown struct {
	Network string // the address filter as a range; "" when it is not one
	Shown   string // the list's filter, as a query, posted back
}

// BanRow is one ban as the bans page shows it.
type BanRow struct {
	ID     string
	IP     string
	Reason string
	By     string
	Since  Time
	Until  Time // not Present for a ban until lifted
}

// BansPage lists the bans in force.
type BansPage struct {
	Page
	Flash string
	Bans  []BanRow
}

// SessionCountText says how many sessions: "1 session", "3 sessions".
func SessionCountText(ctx context.Context, n int) string { return count(ctx, n) }

// TokenRow is one API token as the tokens page shows it; never the token itself.
type TokenRow struct {
	ID       string
	Label    string
	Created  Time
	LastUsed Time
}

// TokensPage lists the signed-in user's API tokens. NewToken is shown once,
// right after it was made.
type TokensPage struct {
	Page
	Tokens   []TokenRow
	NewToken string
	Flash    string
	Error    string
}
