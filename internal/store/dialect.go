package store

// What differs between SQLite and PostgreSQL, kept here: queries are written once,
// for SQLite, with ? placeholders, and sqlDB and sqlTx adapt them for PostgreSQL.

import (
	"context"
	"database/sql"
	"errors"
	"io/fs"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/ftppanel/ftppanel/migrations"
	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// dialect is the kind of database the store runs on.
type dialect int

const (
	sqliteDialect dialect = iota
	postgresDialect
)

func (d dialect) String() string {
	if d == postgresDialect {
		return "postgres"
	}
	return "sqlite"
}

// sqlDB is the pool, taking queries written for SQLite.
type sqlDB struct {
	*sql.DB
	dialect dialect
}

func (db *sqlDB) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	query, args = db.dialect.rebind(query, args)
	return db.DB.ExecContext(ctx, query, args...)
}

func (db *sqlDB) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	query, args = db.dialect.rebind(query, args)
	return db.DB.QueryContext(ctx, query, args...)
}

func (db *sqlDB) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	query, args = db.dialect.rebind(query, args)
	return db.DB.QueryRowContext(ctx, query, args...)
}

// begin starts a transaction that writes. On PostgreSQL it is SERIALIZABLE, so
// what SQLite serialises with its one writer (read, then insert or update) stays
// correct with several nodes; inTx retries those that lose a conflict.
func (db *sqlDB) begin(ctx context.Context) (*sqlTx, error) {
	var opts *sql.TxOptions
	if db.dialect == postgresDialect {
		opts = &sql.TxOptions{Isolation: sql.LevelSerializable}
	}
	tx, err := db.DB.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	return &sqlTx{Tx: tx, dialect: db.dialect}, nil
}

// sqlTx is a transaction, taking queries written for SQLite.
type sqlTx struct {
	*sql.Tx
	dialect dialect
}

func (tx *sqlTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	query, args = tx.dialect.rebind(query, args)
	return tx.Tx.ExecContext(ctx, query, args...)
}

func (tx *sqlTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	query, args = tx.dialect.rebind(query, args)
	return tx.Tx.QueryContext(ctx, query, args...)
}

func (tx *sqlTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	query, args = tx.dialect.rebind(query, args)
	return tx.Tx.QueryRowContext(ctx, query, args...)
}

func (tx *sqlTx) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	query, _ = tx.dialect.rebind(query, nil)
	return tx.Tx.PrepareContext(ctx, query)
}

// stmtArgs adapts the arguments of a statement made by PrepareContext.
func (tx *sqlTx) stmtArgs(args ...any) []any {
	_, args = tx.dialect.rebind("", args)
	return args
}

// lockInCommitOrder makes the transactions that call it with the same key commit
// one after the other, so IDs they insert grow in the order they commit (SQLite's
// single writer does that already; PostgreSQL hands out IDs at insert).
func (tx *sqlTx) lockInCommitOrder(ctx context.Context, key int64) error {
	if tx.dialect != postgresDialect {
		return nil
	}
	_, err := tx.Tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, key)
	return err
}

// Advisory lock keys, one per use.
const (
	migrationLock     int64 = 0x66747070_00000001
	accountChangeLock int64 = 0x66747070_00000002
)

// rebind turns a query written for SQLite into one for the dialect: on
// PostgreSQL, ? becomes $1, $2, ..., and LIKE (which SQLite matches without
// regard to ASCII case) becomes ILIKE; quoted text is left alone. Booleans go to
// PostgreSQL as the 0 and 1 that the INTEGER columns hold.
func (d dialect) rebind(query string, args []any) (string, []any) {
	if d != postgresDialect {
		return query, args
	}
	if slices.ContainsFunc(args, func(a any) bool { _, ok := a.(bool); return ok }) {
		args = slices.Clone(args) // the caller's slice stays as it was
		for i, a := range args {
			if b, ok := a.(bool); ok {
				if args[i] = int64(0); b {
					args[i] = int64(1)
				}
			}
		}
	}
	var out strings.Builder
	n := 0
	var quote byte // the quote character of the literal or identifier we are in
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0 // a doubled quote closes and reopens: the same result
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '?':
			n++
			out.WriteString("$" + strconv.Itoa(n))
			continue
		case (c == 'L' || c == 'l') && isWordAt(query, i, "LIKE"):
			out.WriteString("ILIKE")
			i += len("LIKE") - 1
			continue
		}
		out.WriteByte(c)
	}
	return out.String(), args
}

// isWordAt reports whether the keyword word starts at query[i] as a whole word.
func isWordAt(query string, i int, word string) bool {
	if len(query)-i < len(word) || !strings.EqualFold(query[i:i+len(word)], word) {
		return false
	}
	isWord := func(c byte) bool {
		return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
	}
	return (i == 0 || !isWord(query[i-1])) && (i+len(word) == len(query) || !isWord(query[i+len(word)]))
}

// Types of the migrations, as written for SQLite, and what PostgreSQL calls them.
// Text compares byte by byte, as in SQLite, whatever the database's locale: times
// stored as text sort in time order, names sort alike on both, and ILIKE, like
// SQLite's LIKE, folds ASCII letters only.
var postgresTypes = []struct {
	re *regexp.Regexp
	to string
}{
	{regexp.MustCompile(`\bINTEGER PRIMARY KEY\b`), "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"},
	{regexp.MustCompile(`\bINTEGER\b`), "BIGINT"},
	{regexp.MustCompile(`\bBLOB\b`), "BYTEA"},
	{regexp.MustCompile(`\bTEXT\b`), `TEXT COLLATE "C"`},
}

// translate rewrites a migration written for SQLite for the dialect.
func (d dialect) translate(text string) string {
	if d != postgresDialect {
		return text
	}
	for _, t := range postgresTypes {
		text = t.re.ReplaceAllString(text, t.to)
	}
	return text
}

// migration returns the text of the migration file name for the dialect. For
// PostgreSQL a file of the same name in migrations/postgres replaces it, for the
// few that cannot be translated; the others have their types translated.
func (d dialect) migration(name string) (string, error) {
	if d == postgresDialect {
		if body, err := fs.ReadFile(migrations.FS, "postgres/"+name); err == nil {
			return string(body), nil
		} else if !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
	}
	body, err := fs.ReadFile(migrations.FS, name)
	return d.translate(string(body)), err
}

// isBusy reports whether err is SQLite's SQLITE_BUSY, or one of its extended codes.
func isBusy(err error) bool {
	var e *sqlite.Error
	return errors.As(err, &e) && e.Code()&0xff == sqlite3.SQLITE_BUSY
}

// isUniqueViolation reports whether err is a UNIQUE constraint failure.
func isUniqueViolation(err error) bool {
	var e *sqlite.Error
	if errors.As(err, &e) {
		return e.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE
	}
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

// isSerializationFailure reports whether PostgreSQL gave up a transaction that
// conflicted with another (or deadlocked): run again, it will see the other's work.
func isSerializationFailure(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01")
}
