package store

import (
	"cmp"
	"context"
	"database/sql"
	"math/bits"
	"strings"
	"time"
)

// HistoryEntry is an FTP session that has ended.
type HistoryEntry struct {
	SessionID   string
	FTPLogin    string // empty when it never logged in
	Customer    string
	RemoteIP    string
	RemotePort  int
	Client      string
	TLS         bool
	ConnectedAt time.Time
	LoggedInAt  time.Time // zero when it never logged in
	EndedAt     time.Time
	BytesUp     int64
	BytesDown   int64
	FilesUp     int
	FilesDown   int
	// EndReason is how the session ended, as people read it: its kind ("quit",
	// "idle timeout"), "KIND by WHO" ("disconnected by alice") or, with the reason the
	// client was told, "disconnected by alice: REASON"; see session.EndReason.
	EndReason string
	// Node is the fleet node that held the session and wrote its row; empty for
	// a node alone. RecordHistory fills it with DB.Node when it is empty.
	Node string
}

// Duration is how long the session lasted.
func (e HistoryEntry) Duration() time.Duration { return e.EndedAt.Sub(e.ConnectedAt) }

// historyRowsPerInsert bounds the rows of one INSERT: 16 values each, well
// within both databases' limits on a statement's parameters.
const historyRowsPerInsert = 512

// RecordHistory stores ended sessions, all in one transaction. A session already
// recorded is left as it is: each is written once, by the node that held it.
// Each INSERT writes many rows: on PostgreSQL a statement is a round trip, and a
// busy server ends thousands of sessions a second.
func (db *DB) RecordHistory(ctx context.Context, entries []HistoryEntry) error {
	if len(entries) == 0 {
		return nil
	}
	insert := func(ctx context.Context, exec func(context.Context, string, ...any) (sql.Result, error), rows []HistoryEntry) error {
		var query strings.Builder
		query.WriteString(`INSERT INTO session_history
			(session_id, ftp_login, customer, remote_ip, remote_port, client, tls, connected_at,
			 logged_in_at, ended_at, bytes_up, bytes_down, files_up, files_down, end_reason, node) VALUES `)
		args := make([]any, 0, 16*len(rows))
		for i, e := range rows {
			if i > 0 {
				query.WriteString(", ")
			}
			query.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
			loggedIn := ""
			if !e.LoggedInAt.IsZero() {
				loggedIn = formatTime(e.LoggedInAt)
			}
			args = append(args, e.SessionID, e.FTPLogin, e.Customer, e.RemoteIP, e.RemotePort,
				e.Client, e.TLS, formatTime(e.ConnectedAt), loggedIn, formatTime(e.EndedAt),
				e.BytesUp, e.BytesDown, e.FilesUp, e.FilesDown, e.EndReason, cmp.Or(e.Node, db.Node))
		}
		query.WriteString(" ON CONFLICT DO NOTHING")
		_, err := exec(ctx, query.String(), args...)
		return err
	}
	// Rows go in INSERTs of 512, 256, ... 1 rows, a power of two each: few
	// statements, and few texts for PostgreSQL's driver to prepare and cache.
	var chunks [][]HistoryEntry
	for rest := entries; len(rest) > 0; {
		n := 1 << (bits.Len(uint(min(len(rest), historyRowsPerInsert))) - 1)
		chunks, rest = append(chunks, rest[:n]), rest[n:]
	}
	if len(chunks) == 1 { // one statement: atomic without a transaction
		return insert(ctx, db.db.ExecContext, chunks[0])
	}
	return db.inTx(ctx, func(tx *sqlTx) error {
		for _, rows := range chunks {
			if err := insert(ctx, tx.ExecContext, rows); err != nil {
				return err
			}
		}
		return nil
	})
}

// HistoryQuery selects ended sessions. Empty fields match everything; Customer,
// when set, is exact (it scopes a customer's view); EndKind matches every reason
// of one kind; the others match substrings.
type HistoryQuery struct {
	Customer string
	Login    string
	IP       string
	Reason   string
	EndKind  string // a session.EndKind: "disconnected" finds "disconnected by" anyone, "quit" quit alone
	Node     string // exact: the node that held the session
	Limit    int    // at most this many, newest first; 0 means 100
	Offset   int
}

// History returns ended sessions, newest first.
func (db *DB) History(ctx context.Context, q HistoryQuery) ([]HistoryEntry, error) {
	var where []string
	var args []any
	if q.Customer != "" {
		where, args = append(where, "customer = ?"), append(args, q.Customer)
	}
	if q.Node != "" {
		where, args = append(where, "node = ?"), append(args, q.Node)
	}
	for _, f := range []struct{ column, value string }{
		{"ftp_login", q.Login}, {"remote_ip", q.IP}, {"end_reason", q.Reason},
	} {
		if f.value != "" {
			where = append(where, f.column+` LIKE '%' || ? || '%' ESCAPE '\'`)
			args = append(args, escapeLike(f.value))
		}
	}
	if q.EndKind != "" {
		// The kind alone, or followed by who and/or the message told the client
		// ("disconnected by alice", "maintenance: back at 10"): a panel user's
		// name or a message can contain "quit", so a substring would not do.
		where = append(where, `(end_reason = ? OR end_reason LIKE ? || ' by %' ESCAPE '\' OR end_reason LIKE ? || ': %' ESCAPE '\')`)
		args = append(args, q.EndKind, escapeLike(q.EndKind), escapeLike(q.EndKind))
	}
	query := `SELECT session_id, ftp_login, customer, remote_ip, remote_port, client, tls, connected_at,
		logged_in_at, ended_at, bytes_up, bytes_down, files_up, files_down, end_reason, node FROM session_history`
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	if q.Limit <= 0 {
		q.Limit = 100
	}
	query += " ORDER BY ended_at DESC, id DESC LIMIT ? OFFSET ?"
	args = append(args, q.Limit, max(q.Offset, 0))
	rows, err := db.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []HistoryEntry
	for rows.Next() {
		var e HistoryEntry
		var connected, loggedIn, ended string
		if err := rows.Scan(&e.SessionID, &e.FTPLogin, &e.Customer, &e.RemoteIP, &e.RemotePort, &e.Client, &e.TLS,
			&connected, &loggedIn, &ended, &e.BytesUp, &e.BytesDown, &e.FilesUp, &e.FilesDown, &e.EndReason, &e.Node); err != nil {
			return nil, err
		}
		e.ConnectedAt, e.EndedAt = parseTime(connected), parseTime(ended)
		if loggedIn != "" {
			e.LoggedInAt = parseTime(loggedIn)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// PruneHistory deletes sessions that ended before the cutoff and says how many.
func (db *DB) PruneHistory(ctx context.Context, before time.Time) (int64, error) {
	res, err := db.db.ExecContext(ctx, `DELETE FROM session_history WHERE ended_at < ?`, formatTime(before))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
