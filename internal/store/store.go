// Package store keeps ftppanel's durable data in an embedded SQLite database:
// panel users, customers, FTP accounts, panel sign-ins and the audit log.
package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ftppanel/ftppanel/migrations"
	"golang.org/x/crypto/bcrypt"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Errors callers tell apart. Messages are safe to show to users.
var (
	ErrNotFound       = errors.New("not found")
	ErrExists         = errors.New("already exists")
	ErrBadCredentials = errors.New("invalid username or password")
)

// maxIdleConns is how many connections the pool keeps open between requests.
const maxIdleConns = 8

// DB is the ftppanel database.
type DB struct {
	db *sql.DB
	// Now is the clock; tests may replace it.
	Now func() time.Time
	// PasswordCost is the bcrypt cost for new password hashes.
	PasswordCost int
	// dummies holds, by bcrypt cost, the hashes compared against when a user is
	// unknown, so that an unknown user takes as long to refuse as a wrong password.
	dummies sync.Map
	// verified remembers FTP passwords that matched a moment ago.
	verified verifiedLogins
	// banChanged is told of each ban added, extended or lifted here (see OnBanChange).
	banChanged atomic.Pointer[func(ip string)]
	// Node is the fleet node this process serves as: history and audit rows it
	// writes carry it. Empty for a node alone.
	Node string
	// Log hears of audit entries kept in memory while the store is out of reach;
	// nil is slog's default.
	Log *slog.Logger
	// auditLater keeps audit entries the store could not take (see backlog.go).
	auditLater backlogOnce[AuditEntry]
}

// Open opens (creating if needed) the database file at path and applies pending
// migrations. Several processes may open the same file at once: the server and the
// command-line tools do.
func Open(ctx context.Context, path string) (*DB, error) {
	q := url.Values{}
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Set("_txlock", "immediate")
	registered, err := sql.Open("sqlite", "") // only for the driver; opens nothing
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	sqlite := registered.Driver()
	registered.Close()
	sqlDB := sql.OpenDB(connector{dsn: "file:" + path + "?" + q.Encode(), driver: sqlite})
	sqlDB.SetMaxIdleConns(maxIdleConns)
	db := &DB{db: sqlDB, Now: time.Now, PasswordCost: bcrypt.DefaultCost}
	// When two processes open a new file at once, both switch it to WAL, and SQLite
	// refuses one of them with SQLITE_BUSY at once, without the busy timeout, rather
	// than deadlock. Try again for about as long as the busy timeout.
	err = db.migrate(ctx)
	for deadline := time.Now().Add(10 * time.Second); isBusy(err) && time.Now().Before(deadline); {
		select {
		case <-ctx.Done():
		case <-time.After(10 * time.Millisecond):
		}
		if ctx.Err() != nil {
			break
		}
		err = db.migrate(ctx)
	}
	if err != nil {
		sqlDB.Close()
		return nil, err
	}
	return db, nil
}

// Close closes the database.
func (db *DB) Close() error {
	db.auditLater.close() // a last attempt at what waits
	return db.db.Close()
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.db.PingContext(ctx) }

func (db *DB) migrate(ctx context.Context) error {
	if _, err := db.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("create migrations table: %w", err)
	}
	names, err := fs.Glob(migrations.FS, "*.sql")
	if err != nil {
		return err
	}
	slices.Sort(names)
	for _, name := range names {
		if err := db.applyMigration(ctx, name); err != nil {
			return fmt.Errorf("migration %s: %w", name, err)
		}
	}
	return nil
}

func (db *DB) applyMigration(ctx context.Context, name string) error {
	body, err := fs.ReadFile(migrations.FS, name)
	if err != nil {
		return err
	}
	version := strings.TrimSuffix(name, ".sql")
	return db.inTx(ctx, func(tx *sql.Tx) error {
		// Checked inside the transaction: another process may be migrating too.
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, version).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`, version, db.timestamp())
		return err
	})
}

// Migrations lists the versions applied, oldest first.
func (db *DB) Migrations(ctx context.Context) ([]string, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT version FROM schema_migrations ORDER BY version`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// inTx runs fn in a transaction. A transaction that met a connection gone
// read-only (see recoveringConn) changed nothing and is run again on another.
func (db *DB) inTx(ctx context.Context, fn func(*sql.Tx) error) error {
	err := db.tryTx(ctx, fn)
	for range maxIdleConns {
		if !errors.Is(err, driver.ErrBadConn) {
			break
		}
		err = db.tryTx(ctx, fn)
	}
	return err
}

func (db *DB) tryTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

func (db *DB) timestamp() string { return formatTime(db.Now()) }

// timeLayout has a fixed width, so stored times sort as text in time order.
const timeLayout = "2006-01-02T15:04:05.000000000Z07:00"

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

func parseTime(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}

// isBusy reports whether err is SQLite's SQLITE_BUSY, or one of its extended codes.
func isBusy(err error) bool {
	var e *sqlite.Error
	return errors.As(err, &e) && e.Code()&0xff == sqlite3.SQLITE_BUSY
}

// isUniqueViolation reports whether err is SQLite's UNIQUE constraint failure.
func isUniqueViolation(err error) bool {
	var e *sqlite.Error
	return errors.As(err, &e) && e.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE
}
