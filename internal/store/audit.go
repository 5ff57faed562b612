package store

import (
	"context"
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
}

// RecordAudit appends an entry to the audit log; a zero At means now.
func (db *DB) RecordAudit(ctx context.Context, e AuditEntry) error {
	if e.At.IsZero() {
		e.At = db.Now()
	}
	_, err := db.db.ExecContext(ctx, `INSERT INTO audit_log
		(at, actor, action, session_id, ftp_login, customer, remote_ip, detail)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		formatTime(e.At), e.Actor, e.Action, e.SessionID, e.FTPLogin, e.Customer, e.RemoteIP, e.Detail)
	return err
}

// AuditQuery selects audit entries. Customer, when set, is exact: it scopes a
// customer's view to the entries about its own FTP accounts.
type AuditQuery struct {
	Customer string
	Limit    int // at most this many, newest first; 0 means 100
	Offset   int
}

// AuditEntries returns the newest entries first, at most limit of them (0 means 100).
func (db *DB) AuditEntries(ctx context.Context, limit int) ([]AuditEntry, error) {
	return db.Audit(ctx, AuditQuery{Limit: limit})
}

// Audit returns the entries q selects, newest first: in the order they were
// recorded, whatever their At.
func (db *DB) Audit(ctx context.Context, q AuditQuery) ([]AuditEntry, error) {
	query := `SELECT id, at, actor, action, session_id, ftp_login, customer, remote_ip, detail FROM audit_log`
	var args []any
	if q.Customer != "" {
		query += ` WHERE customer = ?`
		args = append(args, q.Customer)
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
		if err := rows.Scan(&e.ID, &at, &e.Actor, &e.Action, &e.SessionID, &e.FTPLogin, &e.Customer, &e.RemoteIP, &e.Detail); err != nil {
			return nil, err
		}
		e.At = parseTime(at)
		out = append(out, e)
	}
	return out, rows.Err()
}
