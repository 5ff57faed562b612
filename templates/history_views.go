package templates

import "strconv"

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

// Range names the rows shown, such as "101–200", or "7" for one row.
func (p Pager) Range() string {
	if p.First == p.Last {
		return strconv.Itoa(p.First)
	}
	return strconv.Itoa(p.First) + "–" + strconv.Itoa(p.Last)
}

// HistoryPage lists ended FTP sessions, newest first.
type HistoryPage struct {
	Page
	Rows    []HistoryRow
	Filter  HistoryFilter
	Reasons []ReasonOption
	Pager   Pager
	IsAdmin bool
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
}

func int64String(n int64) string { return strconv.FormatInt(n, 10) }
