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

// AuditEntries returns the newest entries first, at most limit of them.
func (db *DB) AuditEntries(ctx context.Context, limit int) ([]AuditEntry, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT id, at, actor, action, session_id, ftp_login, customer, remote_ip, detail
		FROM audit_log ORDER BY id DESC LIMIT ?`, limit)
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
