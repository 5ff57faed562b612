// Package store keeps ftppanel's durable data: panel users, customers, FTP
// accounts, panel sign-ins, history and the audit log. It is an embedded SQLite
// database, or a PostgreSQL database that several nodes share (dialect.go).
package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	mathrand "math/rand/v2"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ftppanel/ftppanel/migrations"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"golang.org/x/crypto/bcrypt"
)

// Errors callers tell apart. Messages are safe to show to users.
var (
	ErrNotFound = errors.New("not found")
	ErrExists   = errors.New("already exists")
	// ErrNameKept: a deleted customer's history or audit rows still carry the name.
	ErrNameKept       = errors.New("the name belonged to a deleted customer whose history is kept; choose another")
	ErrBadCredentials = errors.New("invalid username or password")
)

// maxIdleConns is how many connections the pool keeps open between requests.
const maxIdleConns = 8

// DB is the ftppanel database.
type DB struct {
	db *sqlDB
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
	// OnAudit, when set before use, hears of each audit entry RecordAudit
	// takes, whether or not it is written yet. It must not block.
	OnAudit func(AuditEntry)
	// OnBan, when set before use, hears of each ban AddBan adds or extends and
	// each LiftBan lifts, once committed; not of those ApplyBan and ApplyLift
	// take from the fleet. It must not block.
	OnBan func(BanChange)
	// auditLater keeps audit entries the store could not take (see backlog.go).
	auditLater backlogOnce[AuditEntry]
}

// DatabaseFile is the name of the SQLite database in the data directory.
const DatabaseFile = "ftppanel.db"

// OpenURL opens the store a --database URL names: empty or "sqlite:" is the
// SQLite file DatabaseFile in dataDir, "postgres://..." or "postgresql://..." a
// PostgreSQL database (libpq parameters such as sslmode pass through).
func OpenURL(ctx context.Context, databaseURL, dataDir string) (*DB, error) {
	switch {
	case IsSQLite(databaseURL):
		return Open(ctx, filepath.Join(dataDir, DatabaseFile))
	case strings.HasPrefix(databaseURL, "postgres://") || strings.HasPrefix(databaseURL, "postgresql://"):
		return OpenPostgres(ctx, databaseURL)
	}
	return nil, fmt.Errorf("database %q: give sqlite: or a postgres:// URL", RedactURL(databaseURL))
}

// IsSQLite reports whether a --database URL names the SQLite file in the data
// directory (empty or "sqlite:").
func IsSQLite(databaseURL string) bool { return databaseURL == "" || databaseURL == "sqlite:" }

// keywordPassword is a password in libpq's keyword=value form.
var keywordPassword = regexp.MustCompile(`(?i)(\bpassword\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)`)

// RedactURL returns the database URL with its password, if any, masked, to show.
func RedactURL(databaseURL string) string {
	u, err := url.Parse(databaseURL)
	if err != nil || u.User == nil {
		if err != nil && strings.Contains(databaseURL, "@") {
			return "(a URL that does not parse)"
		}
		if u == nil || u.Scheme == "" {
			// Not a URL: perhaps libpq's "host=db password=..." form, refused
			// later, whose password must not show in that refusal either.
			return keywordPassword.ReplaceAllString(databaseURL, "${1}xxxxx")
		}
		return databaseURL
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	if q := u.Query(); q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.String()
}

// Open opens (creating if needed) the SQLite database file at path and applies
// pending migrations. Several processes may open the same file at once: the
// server and the command-line tools do.
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
	db := newDB(sqlDB, sqliteDialect)
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

// maxPostgresConns bounds the connections one process opens to PostgreSQL, whose
// connections are processes: a fleet of nodes shares its max_connections.
const maxPostgresConns = 32

// postgresConnectTimeout bounds a connection attempt unless the URL's
// connect_timeout says otherwise.
const postgresConnectTimeout = 10 * time.Second

// OpenPostgres opens the PostgreSQL database at the URL and applies pending
// migrations, one node at a time. Errors name the server, never the password.
func OpenPostgres(ctx context.Context, databaseURL string) (*DB, error) {
	cfg, err := pgx.ParseConfig(databaseURL)
	if err != nil {
		return nil, fmt.Errorf("database %s: %s", RedactURL(databaseURL), redactErr(err, ""))
	}
	if cfg.ConnectTimeout == 0 { // no connect_timeout in the URL: do not hang on an unreachable host
		cfg.ConnectTimeout = postgresConnectTimeout
	}
	where := fmt.Sprintf("PostgreSQL at %s:%d", cfg.Host, cfg.Port)
	if strings.HasPrefix(cfg.Host, "/") {
		where = "PostgreSQL on socket " + cfg.Host
	}
	sqlDB := stdlib.OpenDB(*cfg)
	sqlDB.SetMaxOpenConns(maxPostgresConns)
	sqlDB.SetMaxIdleConns(maxIdleConns)
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	if err := sqlDB.PingContext(ctx); err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("connect to %s: %s", where, redactErr(err, cfg.Password))
	}
	db := newDB(sqlDB, postgresDialect)
	if err := db.migrate(ctx); err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("%s: %s", where, redactErr(err, cfg.Password))
	}
	return db, nil
}

// redactErr is err's message with the password masked, should it show.
func redactErr(err error, password string) string {
	msg := err.Error()
	if password != "" {
		msg = strings.ReplaceAll(msg, password, "xxxxx")
	}
	return msg
}

func newDB(pool *sql.DB, d dialect) *DB {
	return &DB{db: &sqlDB{DB: pool, dialect: d}, Now: time.Now, PasswordCost: bcrypt.DefaultCost}
}

// Dialect names the database the store runs on: "sqlite" or "postgres".
func (db *DB) Dialect() string { return db.db.dialect.String() }

// Shared reports whether the store is a database that several nodes share
// (PostgreSQL), rather than a file of this node's own.
func (db *DB) Shared() bool { return db.db.dialect == postgresDialect }

// Close closes the database.
func (db *DB) Close() error {
	db.auditLater.close() // a last attempt at what waits
	return db.db.Close()
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.db.PingContext(ctx) }

func (db *DB) migrate(ctx context.Context) error {
	// On PostgreSQL every step holds one lock, so that nodes starting together
	// migrate one at a time (CREATE TABLE IF NOT EXISTS included: it races).
	err := db.migrationTx(ctx, func(tx *sqlTx) error {
		_, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`)
		return err
	})
	if err != nil {
		return fmt.Errorf("create migrations table: %w", err)
	}
	names, err := fs.Glob(migrations.FS, "*.sql")
	if err != nil {
		return err
	}
	slices.Sort(names)
	if err := db.refuseNewerSchema(ctx, names); err != nil {
		return err
	}
	for _, name := range names {
		if err := db.applyMigration(ctx, name); err != nil {
			return fmt.Errorf("migration %s: %w", name, err)
		}
	}
	return nil
}

// refuseNewerSchema refuses a database that a newer ftppanel migrated further
// than this one knows: this node would misread it.
func (db *DB) refuseNewerSchema(ctx context.Context, known []string) error {
	applied, err := db.Migrations(ctx)
	if err != nil {
		return err
	}
	var unknown []string
	for _, v := range applied {
		if !slices.Contains(known, v+".sql") {
			unknown = append(unknown, v)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	number := func(v string) string { n, _, _ := strings.Cut(v, "_"); return n }
	return fmt.Errorf("the database schema is at %s, newer than this ftppanel (%s) knows: upgrade this node",
		number(slices.Max(unknown)), number(strings.TrimSuffix(slices.Max(known), ".sql")))
}

// migrationTx runs fn in a transaction that, on PostgreSQL, holds the migration lock.
func (db *DB) migrationTx(ctx context.Context, fn func(*sqlTx) error) error {
	tx, err := db.db.DB.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	t := &sqlTx{Tx: tx, dialect: db.db.dialect}
	if db.db.dialect == postgresDialect {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, migrationLock); err != nil {
			tx.Rollback()
			return err
		}
	}
	if err := fn(t); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

func (db *DB) applyMigration(ctx context.Context, name string) error {
	body, err := db.db.dialect.migration(name)
	if err != nil {
		return err
	}
	version := strings.TrimSuffix(name, ".sql")
	apply := func(tx *sqlTx) error {
		// Checked inside the transaction: another process may be migrating too.
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, version).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		if _, err := tx.Tx.ExecContext(ctx, body); err != nil { // written for the dialect already
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`, version, db.timestamp())
		return err
	}
	if db.db.dialect == postgresDialect {
		return db.migrationTx(ctx, apply)
	}
	return db.inTx(ctx, apply)
}

// Migrations lists the versions applied, oldest first.
func (db *DB) Migrations(ctx context.Context) ([]string, error) {
	return queryStrings(ctx, db.db, `SELECT version FROM schema_migrations ORDER BY version`)
}

// queryStrings runs a query of one text column and returns its values.
func queryStrings(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, query string, args ...any) ([]string, error) {
	rows, err := q.QueryContext(ctx, query, args...)
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

// maxSerializationRetries bounds how often a PostgreSQL transaction that lost a
// conflict with another is run again.
const maxSerializationRetries = 20

// inTx runs fn in a transaction. A transaction that met a connection gone
// read-only (see recoveringConn) changed nothing and is run again on another;
// so is one PostgreSQL gave up for a conflict with another transaction.
func (db *DB) inTx(ctx context.Context, fn func(*sqlTx) error) error {
	err := db.tryTx(ctx, fn)
	for range maxIdleConns {
		if !errors.Is(err, driver.ErrBadConn) {
			break
		}
		err = db.tryTx(ctx, fn)
	}
	for attempt := 1; attempt <= maxSerializationRetries && isSerializationFailure(err); attempt++ {
		// A short random wait, growing, so that the conflicting ones spread out.
		wait := time.Duration(mathrand.Int64N(int64(attempt) * int64(2*time.Millisecond)))
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		err = db.tryTx(ctx, fn)
	}
	return err
}

func (db *DB) tryTx(ctx context.Context, fn func(*sqlTx) error) error {
	tx, err := db.db.begin(ctx)
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
