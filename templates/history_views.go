package templates

import (
	"context"
	"strconv"
	"strings"

	"github.com/ftppanel/ftppanel/internal/i18n"
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
	Label string // a message id
}

// endKindMessages are the words for each kind of end of a session, by the
// kind as history stores it (session.EndKind).
var endKindMessages = map[string]string{
	"quit":              i18n.Msg("EndQuit"),
	"idle timeout":      i18n.Msg("EndIdleTimeout"),
	"client dropped":    i18n.Msg("EndClientDropped"),
	"login failed":      i18n.Msg("EndLoginFailed"),
	"login timeout":     i18n.Msg("EndLoginTimeout"),
	"banned":            i18n.Msg("EndBanned"),
	"too many sessions": i18n.Msg("EndTooMany"),
	"store unavailable": i18n.Msg("EndStoreUnavailable"),
	"password changed":  i18n.Msg("EndPasswordChanged"),
	"account disabled":  i18n.Msg("EndAccountDisabled"),
	"account deleted":   i18n.Msg("EndAccountDeleted"),
	"disconnected":      i18n.Msg("EndDisconnected"),
	"server shutdown":   i18n.Msg("EndServerShutdown"),
	"maintenance":       i18n.Msg("EndMaintenance"),
	"stalled":           i18n.Msg("EndStalled"),
	"no transfer":       i18n.Msg("EndNoTransfer"),
}

// EndKindLabel is the message id of a kind of end as the "How it ended" filter
// offers it; a kind it does not know stands for itself.
func EndKindLabel(kind string) string {
	if kind == "disconnected" {
		return i18n.Msg("EndDisconnectedByPanelUser")
	}
	if id, ok := endKindMessages[kind]; ok {
		return id
	}
	return kind
}

// EndReasonText is how a session ended ("KIND", "KIND by WHO", each maybe
// followed by ": MESSAGE", as history stores it) in the request's language.
// The name and the message told the client stay as they were.
func EndReasonText(ctx context.Context, reason string) string {
	kind, rest := reason, ""
	for k := range endKindMessages {
		if strings.HasPrefix(reason, k) && (len(reason) == len(k) || strings.HasPrefix(reason[len(k):], " by ") || strings.HasPrefix(reason[len(k):], ": ")) &&
			(kind == reason || len(k) > len(kind)) {
			kind, rest = k, reason[len(k):]
		}
	}
	id, ok := endKindMessages[kind]
	if !ok {
		return reason
	}
	text := T(ctx, id)
	message := ""
	if by, ok := strings.CutPrefix(rest, " by "); ok {
		by, message, _ = strings.Cut(by, ": ")
		text = T(ctx, "EndReasonBy", "Reason", text, "By", by)
	} else {
		message = strings.TrimPrefix(rest, ": ")
	}
	if message != "" {
		text += ": " + message
	}
	return text
}

// actionMessages are the words for the actions the audit log records, by the
// action as it is stored (and "Disconnected", "Limited speed" as the panel
// names the first two).
var actionMessages = map[string]string{
	"disconnect":            i18n.Msg("ActionDisconnected"),
	"Disconnected":          i18n.Msg("ActionDisconnected"),
	"throttle":              i18n.Msg("ActionLimitedSpeed"),
	"Limited speed":         i18n.Msg("ActionLimitedSpeed"),
	"disconnect and ban":    i18n.Msg("ActionDisconnectAndBan"),
	"lift ban":              i18n.Msg("ActionLiftBan"),
	"create account":        i18n.Msg("ActionCreateAccount"),
	"delete account":        i18n.Msg("ActionDeleteAccount"),
	"disable account":       i18n.Msg("ActionDisableAccount"),
	"enable account":        i18n.Msg("ActionEnableAccount"),
	"change account":        i18n.Msg("ActionChangeAccount"),
	"limit account":         i18n.Msg("ActionLimitAccount"),
	"create customer":       i18n.Msg("ActionCreateCustomer"),
	"delete customer":       i18n.Msg("ActionDeleteCustomer"),
	"ban":                   i18n.Msg("ActionBan"),
	"change password":       i18n.Msg("ActionChangePassword"),
	"change panel password": i18n.Msg("ActionChangePanelPassword"),
	"maintenance on":        i18n.Msg("ActionMaintenanceOn"),
	"maintenance off":       i18n.Msg("ActionMaintenanceOff"),
}

// ActionText is an audit log action in the request's language; one it does
// not know as it was stored.
func ActionText(ctx context.Context, action string) string {
	if id, ok := actionMessages[action]; ok {
		return T(ctx, id)
	}
	return action
}

// Pager places one page of a long list: the links to its neighbours ("" when
// there is none) and which rows it shows, counted from 1.
type Pager struct {
	NewerURL string
	OlderURL string
	First    int
	Last     int
}

// caption names the rows shown, whose they are and in which order: "3 ended
// sessions" when they are all there are, "Ended sessions 101–200" on one of
// several pages. all, page and one are the message ids of the three forms.
func (p Pager) caption(ctx context.Context, all, page, one string) string {
	if p.NewerURL == "" && p.OlderURL == "" {
		text := N(ctx, all, p.Last)
		if p.Last > p.First {
			text = T(ctx, "NewestFirst", "Rows", text)
		}
		return text
	}
	if p.Last == p.First {
		return T(ctx, one, "Row", Num(ctx, p.First))
	}
	return T(ctx, "NewestFirst", "Rows", T(ctx, page, "First", Num(ctx, p.First), "Last", Num(ctx, p.Last)))
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
func (v HistoryPage) Caption(ctx context.Context) string {
	if v.IsAdmin {
		return v.Pager.caption(ctx, i18n.Msg("EndedSessionsServer"), i18n.Msg("EndedSessionsPageServer"), i18n.Msg("EndedSessionOneServer"))
	}
	return v.Pager.caption(ctx, i18n.Msg("EndedSessionsCustomer"), i18n.Msg("EndedSessionsPageCustomer"), i18n.Msg("EndedSessionOneCustomer"))
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
func (v AuditPage) Caption(ctx context.Context) string {
	if v.IsAdmin {
		return v.Pager.caption(ctx, i18n.Msg("PanelActions"), i18n.Msg("PanelActionsPage"), i18n.Msg("PanelActionOne"))
	}
	return v.Pager.caption(ctx, i18n.Msg("PanelActionsCustomer"), i18n.Msg("PanelActionsPageCustomer"), i18n.Msg("PanelActionOneCustomer"))
}

func int64String(n int64) string { return strconv.FormatInt(n, 10) }
