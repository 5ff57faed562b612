package store

import (
	"cmp"
	"context"
	"strings"
	"time"
)

// AuditEntry is one thing a panel user did.
type AuditEntry struct {
	ID        int64
	At        time.Time
	Actor     string // the panel user
	Action    string // for example "disconnect"
	SessionID string
	FTPLogin  string
	Customer  string
	RemoteIP  string
	Detail    string // what the session was doing, or other context
	Node      string // the fleet node that acted and wrote the entry; empty for a node alone
}

// RecordAudit appends an entry to the audit log; a zero At means now, an empty
// Node this DB's Node. While the store is out of reach the entry waits in
// memory, with those before it, and is written when the store answers again:
// then RecordAudit returns nil. Entries given up are counted in LostAudit.
func (db *DB) RecordAudit(ctx context.Context, e AuditEntry) error {
	if e.At.IsZero() {
		e.At = db.Now()
	}
	e.Node = cmp.Or(e.Node, db.Node)
	if db.OnAudit != nil {
		db.OnAudit(e)
	}
	b := db.auditLater.get(func() *Backlog[AuditEntry] {
		return &Backlog[AuditEntry]{What: "audit entries", Write: db.insertAudit, Log: db.Log}
	})
	if b == nil { // the DB is closed
		return db.insertAudit(ctx, []AuditEntry{e})
	}
	return b.Add(ctx, e)
}

// LostAudit is how many audit entries were given up because the store was out
// of reach for too long.
func (db *DB) LostAudit() int64 {
	if b := db.auditLater.peek(); b != nil {
		return b.Lost()
	}
	return 0
}

// insertAudit writes entries in order, all or none.
func (db *DB) insertAudit(ctx context.Context, entries []AuditEntry) error {
	return db.inTx(ctx, func(tx *sqlTx) error {
		for _, e := range entries {
			if _, err := tx.ExecContext(ctx, `INSERT INTO audit_log
				(at, actor, action, session_id, ftp_login, customer, remote_ip, detail, node)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				formatTime(e.At), e.Actor, e.Action, e.SessionID, e.FTPLogin, e.Customer, e.RemoteIP, e.Detail, e.Node); err != nil {
				return err
			}
		}
		return nil
	})
}

// AuditQuery selects audit entries. Customer, when set, is exact: it scopes a
// customer's view to the entries about its own FTP accounts.
type AuditQuery struct {
	Customer string
	Node     string // exact: the node that acted
	Limit    int    // at most this many, newest first; 0 means 100
	Offset   int
}

// AuditEntries returns the newest entries first, at most limit of them (0 means 100).
func (db *DB) AuditEntries(ctx context.Context, limit int) ([]AuditEntry, error) {
	return db.Audit(ctx, AuditQuery{Limit: limit})
}

// Audit returns the entries q selects, newest first: in the order they were
// recorded, whatever their At.
func (db *DB) Audit(ctx context.Context, q AuditQuery) ([]AuditEntry, error) {
	query := `SELECT id, at, actor, action, session_id, ftp_login, customer, remote_ip, detail, node FROM audit_log`
	var where []string
	var args []any
	if q.Customer != "" {
		where, args = append(where, `customer = ?`), append(args, q.Customer)
	}
	if q.Node != "" {
		where, args = append(where, `node = ?`), append(args, q.Node)
	}
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	if q.Limit <= 0 {
		q.Limit = 100
	}
	query += ` ORDER BY id DESC LIMIT ? OFFSET ?`
	args = append(args, q.Limit, max(q.Offset, 0))
	rows, err := db.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		var at string
		if err := rows.Scan(&e.ID, &at, &e.Actor, &e.Action, &e.SessionID, &e.FTPLogin, &e.Customer, &e.RemoteIP, &e.Detail, &e.Node); err != nil {
			return nil, err
		}
		e.At = parseTime(at)
		out = append(out, e)
	}
	return out, rows.Err()
}
