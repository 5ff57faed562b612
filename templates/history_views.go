package templates

import (
	"strconv"
	"strings"
)

// HistoryRow is one ended FTP session as the history table shows it. Every field
// is ready to print; the panel formats them.
type HistoryRow struct {
	SessionID string
	Login     string // "" when it never logged in
	Customer  string
	RemoteIP  string
	Client    string
	Started   Time
	Ended     Time
	Duration  string
	BytesUp   string
	BytesDown string
	FilesUp   int
	FilesDown int
	EndReason string // "quit", "disconnected by NAME", ...
	Node      string // the fleet node that held the session; "" for a node alone
}

// LoginOrDash shows the session's login, or that it never logged in.
func (r HistoryRow) LoginOrDash() string {
	if r.Login == "" {
		return "(not logged in)"
	}
	return r.Login
}

// Files is how many files went up and down, as the table shows it.
func (r HistoryRow) Files() string {
	return strconv.Itoa(r.FilesUp) + " / " + strconv.Itoa(r.FilesDown)
}

// HistoryFilter is what the history is filtered by, as the form shows it.
type HistoryFilter struct {
	Login    string
	Customer string // admins only
	IP       string
	Reason   string // one of the ReasonOption values, or "" for any
	Node     string // admins in a fleet: the node that held the session
}

// Active reports whether anything is filtered out.
func (f HistoryFilter) Active() bool { return f != HistoryFilter{} }

// ReasonOption is one choice in the "How it ended" filter.
type ReasonOption struct {
	Value string
	Label string
}

// Pager places one page of a long list: the links to its neighbours ("" when
// there is none) and which rows it shows, counted from 1.
type Pager struct {
	NewerURL string
	OlderURL string
	First    int
	Last     int
}

// caption names the rows shown: "3 ended sessions" when they are all there
// are, "Ended sessions 101–200" on one of several pages.
func (p Pager) caption(one, many string) string {
	if p.NewerURL == "" && p.OlderURL == "" {
		if p.Last == 1 {
			return "1 " + one
		}
		return strconv.Itoa(p.Last) + " " + many
	}
	rows := strconv.Itoa(p.First)
	if p.Last > p.First {
		rows += "–" + strconv.Itoa(p.Last)
	}
	return strings.ToUpper(many[:1]) + many[1:] + " " + rows
}

// order says in which order the rows are, when there is more than one.
func (p Pager) order() string {
	if p.Last > p.First {
		return ", newest first"
	}
	return ""
}

// HistoryPage lists ended FTP sessions, newest first.
type HistoryPage struct {
	Page
	Rows    []HistoryRow
	Filter  HistoryFilter
	Reasons []ReasonOption
	Pager   Pager
	IsAdmin bool
	// ShowNode adds the Node column and filter: an admin's view in a fleet;
	// Nodes are the filter's choices.
	ShowNode bool
	Nodes    []string
}

// Caption is the table's caption: which sessions, whose, in which order.
func (v HistoryPage) Caption() string {
	whose := " of your FTP accounts"
	if v.IsAdmin {
		whose = " on this server"
	}
	return v.Pager.caption("ended session", "ended sessions") + whose + v.Pager.order()
}

// AuditRow is one panel action as the audit log shows it.
type AuditRow struct {
	ID       int64
	At       Time
	Actor    string // the panel user who acted
	Action   string // as shown, such as "Disconnected"
	Login    string // the FTP login acted on; "" when it had not logged in
	Customer string
	RemoteIP string
	Detail   string // what the session was doing
	Node     string // the fleet node that acted; "" for a node alone
}

// LoginOrDash shows the FTP login acted on, or that the session had not logged in.
func (r AuditRow) LoginOrDash() string {
	if r.Login == "" {
		return "(not logged in)"
	}
	return r.Login
}

// AuditPage lists panel actions, newest first.
type AuditPage struct {
	Page
	Rows    []AuditRow
	Pager   Pager
	IsAdmin bool
	// ShowNode adds the Node column and filter: an admin's view in a fleet;
	// Node is the node picked ("" for all), Nodes the filter's choices.
	ShowNode bool
	Node     string
	Nodes    []string
}

// Caption is the table's caption: which actions, on whose sessions, in which order.
func (v AuditPage) Caption() string {
	whose := " on your FTP accounts"
	if v.IsAdmin {
		whose = ""
	}
	return v.Pager.caption("panel action", "panel actions") + whose + v.Pager.order()
}

func int64String(n int64) string { return strconv.FormatInt(n, 10) }
