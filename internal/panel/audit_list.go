package panel

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/ftppanel/ftppanel/internal/session"
	"github.com/ftppanel/ftppanel/internal/store"
	"github.com/ftppanel/ftppanel/templates"
)

// showAudit lists what panel users did, newest first: everything for an admin,
// and for a customer what was done to its own FTP accounts' sessions.
func (p *Panel) showAudit(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	pageNo, ok := pageNumber(r.URL.Query())
	if !ok {
		p.badPageNumber(w, r)
		return
	}
	customer, err := recordsCustomer(u)
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	q := store.AuditQuery{Customer: customer, Limit: recordsPerPage + 1, Offset: (pageNo - 1) * recordsPerPage}
	// In a fleet an admin sees which node acted, and may pick one.
	var nodes []string
	params := url.Values{}
	showNode := u.IsAdmin() && p.fleet != nil
	if showNode {
		q.Node = strings.TrimSpace(r.URL.Query().Get("node"))
		nodes = p.nodeNames(q.Node)
		if q.Node != "" {
			params.Set("node", q.Node)
		}
	}
	entries, err := p.store.Audit(r.Context(), q)
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	more := len(entries) > recordsPerPage
	entries = entries[:min(len(entries), recordsPerPage)]
	rows := make([]templates.AuditRow, len(entries))
	for i, e := range entries {
		rows[i] = auditRow(e)
	}
	p.render(w, r, http.StatusOK, templates.AuditView(templates.AuditPage{
		Page:     page(r, tr(r, "AuditHeading")),
		Rows:     rows,
		Pager:    pager("/audit", params, pageNo, len(rows), more),
		IsAdmin:  u.IsAdmin(),
		ShowNode: showNode,
		Node:     q.Node,
		Nodes:    nodes,
	}))
}

// auditRow prepares an audit entry for the table.
func auditRow(e store.AuditEntry) templates.AuditRow {
	return templates.AuditRow{
		ID:       e.ID,
		At:       instant(e.At),
		Actor:    e.Actor,
		Action:   auditAction(e.Action),
		Login:    e.FTPLogin,
		Customer: e.Customer,
		RemoteIP: e.RemoteIP,
		Detail:   session.Visible(e.Detail, maxAuditDetail), // also rows stored before file names were kept so
		Node:     e.Node,
	}
}

// maxAuditDetail is the longest audit detail shown: an activity with a whole file name.
const maxAuditDetail = session.MaxFileLen + 200

// auditAction is an action as it is stored; the page says it in words
// (templates.ActionText).
func auditAction(action string) string { return action }
