package panel

import (
	"github.com/ftppanel/ftppanel/internal/i18n"
	"net/http"
	"net/url"
	"strings"

	"github.com/ftppanel/ftppanel/internal/session"
	"github.com/ftppanel/ftppanel/internal/store"
	"github.com/ftppanel/ftppanel/templates"
)

// endKindOptions are the choices of the "How it ended" filter: every kind of end.
func endKindOptions() []templates.ReasonOption {
	kinds := session.EndKinds()
	options := make([]templates.ReasonOption, len(kinds))
	for i, k := range kinds {
		options[i] = templates.ReasonOption{Value: string(k), Label: templates.EndKindLabel(string(k))}
	}
	return options
}

// showHistory lists the ended FTP sessions the user may see, newest first. The
// filters and the page are in the query string, so a view can be bookmarked.
func (p *Panel) showHistory(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	params := r.URL.Query()
	pageNo, ok := pageNumber(params)
	if !ok {
		p.badPageNumber(w, r)
		return
	}
	filter := templates.HistoryFilter{
		Login:  strings.TrimSpace(params.Get("login")),
		IP:     strings.TrimSpace(params.Get("ip")),
		Reason: params.Get("reason"),
	}
	q := store.HistoryQuery{Login: filter.Login, IP: filter.IP,
		Limit: recordsPerPage + 1, Offset: (pageNo - 1) * recordsPerPage}
	if filter.Reason != "" {
		if !session.ValidEndKind(session.EndKind(filter.Reason)) {
			p.showError(w, r, http.StatusBadRequest, tr(r, "BadRequest"), tr(r, "NoSuchEndReason"))
			return
		}
		q.EndKind = filter.Reason
	}
	// A customer sees its own FTP accounts' sessions, whatever the URL asks for.
	// Sessions that never logged in belong to no customer, so it never sees them.
	customer, err := recordsCustomer(u)
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	if u.IsAdmin() {
		filter.Customer = strings.TrimSpace(params.Get("customer"))
		customer = filter.Customer
	}
	q.Customer = customer
	// In a fleet an admin sees which node held each session, and may pick one.
	var nodes []string
	showNode := u.IsAdmin() && p.fleet != nil
	if showNode {
		filter.Node = strings.TrimSpace(params.Get("node"))
		q.Node = filter.Node
		nodes = p.nodeNames(filter.Node)
	}

	entries, err := p.store.History(r.Context(), q)
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	more := len(entries) > recordsPerPage
	entries = entries[:min(len(entries), recordsPerPage)]
	rows := make([]templates.HistoryRow, len(entries))
	for i, e := range entries {
		rows[i] = historyRow(loc(r), e)
	}
	p.render(w, r, http.StatusOK, templates.HistoryView(templates.HistoryPage{
		Page:     page(r, tr(r, "HistoryHeading")),
		Rows:     rows,
		Filter:   filter,
		Reasons:  endKindOptions(),
		Pager:    pager("/history", historyParams(filter), pageNo, len(rows), more),
		IsAdmin:  u.IsAdmin(),
		ShowNode: showNode,
		Nodes:    nodes,
	}))
}

// historyParams is the filter as a query string keeps it, without empty fields.
func historyParams(f templates.HistoryFilter) url.Values {
	q := url.Values{}
	for _, kv := range [][2]string{{"login", f.Login}, {"customer", f.Customer}, {"ip", f.IP}, {"reason", f.Reason}, {"node", f.Node}} {
		if kv[1] != "" {
			q.Set(kv[0], kv[1])
		}
	}
	return q
}

// historyRow prepares an ended session for the table.
func historyRow(l *i18n.Locale, e store.HistoryEntry) templates.HistoryRow {
	return templates.HistoryRow{
		SessionID: e.SessionID,
		Login:     e.FTPLogin,
		Customer:  e.Customer,
		RemoteIP:  e.RemoteIP,
		Client:    session.Visible(e.Client, session.MaxClientLen), // also rows stored before it was kept so
		Started:   instant(e.ConnectedAt),
		Ended:     instant(e.EndedAt),
		Duration:  l.Duration(max(e.Duration(), 0)),
		BytesUp:   l.Bytes(e.BytesUp),
		BytesDown: l.Bytes(e.BytesDown),
		FilesUp:   e.FilesUp,
		FilesDown: e.FilesDown,
		EndReason: e.EndReason,
		Node:      e.Node,
	}
}
