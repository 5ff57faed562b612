package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// copyTables are the store's tables, each before the tables that refer to it:
// what CopyTo copies. schema_migrations is not among them: the destination has
// its own, from the migrations that opening it applied. A new table must be
// added here (TestCopyKnowsEveryTable fails until it is); a new column needs
// nothing, as columns are read from the source.
var copyTables = []struct{ name, one, many string }{
	{"customers", "customer", "customers"},
	{"panel_users", "panel user", "panel users"},
	{"ftp_accounts", "FTP account", "FTP accounts"},
	{"sign_ins", "panel sign-in", "panel sign-ins"},
	{"api_tokens", "API token", "API tokens"},
	{"login_links", "login link", "login links"},
	{"ftp_account_changes", "account change", "account changes"},
	{"bans", "ban", "bans"},
	{"session_history", "history row", "history rows"},
	{"audit_log", "audit row", "audit rows"},
}

// Copied is how many rows CopyTo copied of one table.
type Copied struct {
	Table string // the table's name
	Rows  int64
	what  [2]string
}

// String says what was copied, as "3 customers".
func (c Copied) String() string {
	if c.Rows == 1 {
		return "1 " + c.what[0]
	}
	return strconv.FormatInt(c.Rows, 10) + " " + c.what[1]
}

// CopyTo copies every row of this SQLite store into dst, an empty PostgreSQL
// store, keeping IDs, and moves dst's ID sequences past the IDs copied. The
// source is read in one read transaction, a snapshot that the server, running
// and writing meanwhile, does not disturb (WAL); dst is written in one
// transaction, so a copy that fails leaves it empty. A destination with rows in
// any table is refused.
func (db *DB) CopyTo(ctx context.Context, dst *DB) ([]Copied, error) {
	if db.Shared() || !dst.Shared() {
		return nil, errors.New("store copy copies a SQLite store into a PostgreSQL one")
	}
	src, err := db.db.DB.BeginTx(ctx, &sql.TxOptions{ReadOnly: true}) // BEGIN DEFERRED: no write lock
	if err != nil {
		return nil, err
	}
	defer src.Rollback()
	if err := sameSchema(ctx, src, dst); err != nil {
		return nil, err
	}
	if err := knowsEveryTable(ctx, src); err != nil {
		return nil, err
	}
	conn, err := dst.db.DB.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	var copied []Copied
	err = conn.Raw(func(driverConn any) error {
		pg := driverConn.(*stdlib.Conn).Conn()
		tx, err := pg.Begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback(ctx)
		if copied, err = copyInto(ctx, src, tx); err != nil {
			return err
		}
		return tx.Commit(ctx)
	})
	if err != nil {
		return nil, err
	}
	return copied, nil
}

// sameSchema refuses a source and destination at different migrations: their
// columns would differ.
func sameSchema(ctx context.Context, src *sql.Tx, dst *DB) error {
	rows, err := src.QueryContext(ctx, `SELECT version FROM schema_migrations ORDER BY version`)
	if err != nil {
		return err
	}
	var have []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return err
		}
		have = append(have, v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	want, err := dst.Migrations(ctx)
	if err != nil {
		return err
	}
	if !slices.Equal(have, want) {
		return fmt.Errorf("the source's schema (%d migrations) differs from the destination's (%d): run the same ftppanel on both", len(have), len(want))
	}
	return nil
}

// sourceTables lists the tables of the SQLite store but schema_migrations.
func sourceTables(ctx context.Context, src interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}) ([]string, error) {
	return queryStrings(ctx, src, `SELECT name FROM sqlite_master
		WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\' AND name <> 'schema_migrations' ORDER BY name`)
}

// knowsEveryTable refuses a source with a table that copyTables lacks: a copy
// would silently leave its rows behind.
func knowsEveryTable(ctx context.Context, src *sql.Tx) error {
	tables, err := sourceTables(ctx, src)
	if err != nil {
		return err
	}
	for _, name := range tables {
		if !slices.ContainsFunc(copyTables, func(t struct{ name, one, many string }) bool { return t.name == name }) {
			return fmt.Errorf("the store has a table %q that store copy does not know", name)
		}
	}
	return nil
}

// copyInto checks that the destination is empty and copies every table into it.
func copyInto(ctx context.Context, src *sql.Tx, dst pgx.Tx) ([]Copied, error) {
	// Nothing else writes these tables until the copy commits (a server started
	// on the destination too early waits), so the emptiness checked holds.
	names := make([]string, len(copyTables))
	for i, t := range copyTables {
		names[i] = pgx.Identifier{t.name}.Sanitize()
	}
	if _, err := dst.Exec(ctx, `LOCK TABLE `+strings.Join(names, ", ")+` IN EXCLUSIVE MODE`); err != nil {
		return nil, fmt.Errorf("lock the destination's tables: %w", err)
	}
	for _, t := range copyTables {
		var has bool
		if err := dst.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM `+pgx.Identifier{t.name}.Sanitize()+`)`).Scan(&has); err != nil {
			return nil, err
		}
		if has {
			return nil, fmt.Errorf("the destination is not empty (%s has rows): store copy fills an empty database only", t.name)
		}
	}
	var copied []Copied
	for _, t := range copyTables {
		n, err := copyTable(ctx, src, dst, t.name)
		if err != nil {
			return nil, fmt.Errorf("copy %s: %w", t.name, err)
		}
		copied = append(copied, Copied{Table: t.name, Rows: n, what: [2]string{t.one, t.many}})
	}
	return copied, nil
}

// copyTable copies one table, every column the source has, and moves its
// identity column's sequence past the highest ID copied.
func copyTable(ctx context.Context, src *sql.Tx, dst pgx.Tx, table string) (int64, error) {
	types, identity, err := destinationColumns(ctx, dst, table)
	if err != nil {
		return 0, err
	}
	rows, err := src.QueryContext(ctx, `SELECT * FROM "`+table+`"`)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	columns, err := rows.Columns()
	if err != nil {
		return 0, err
	}
	for _, c := range columns {
		if _, ok := types[c]; !ok {
			return 0, fmt.Errorf("the destination has no column %s", c)
		}
	}
	values := make([]any, len(columns))
	ptrs := make([]any, len(columns))
	for i := range values {
		ptrs[i] = &values[i]
	}
	var row int64
	n, err := dst.CopyFrom(ctx, pgx.Identifier{table}, columns, pgx.CopyFromFunc(func() ([]any, error) {
		if !rows.Next() {
			return nil, rows.Err()
		}
		row++
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		out := make([]any, len(values))
		for i, v := range values {
			if out[i], err = convertValue(v, types[columns[i]]); err != nil {
				return nil, fmt.Errorf("row %d, column %s: %w", row, columns[i], err)
			}
		}
		return out, nil
	}))
	if err != nil {
		return 0, err
	}
	if identity != "" && n > 0 {
		// The next ID handed out is one past the highest copied.
		id := pgx.Identifier{identity}.Sanitize()
		if _, err := dst.Exec(ctx, `SELECT setval(pg_get_serial_sequence($1, $2), (SELECT max(`+id+`) FROM `+pgx.Identifier{table}.Sanitize()+`))`,
			table, identity); err != nil {
			return 0, fmt.Errorf("move the ID sequence: %w", err)
		}
	}
	return n, nil
}

// destinationColumns reads a PostgreSQL table's column types (information_schema's
// data_type) and the name of its identity column, if any.
func destinationColumns(ctx context.Context, dst pgx.Tx, table string) (map[string]string, string, error) {
	rows, err := dst.Query(ctx, `SELECT column_name, data_type, is_identity FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name = $1`, table)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	types := map[string]string{}
	identity := ""
	for rows.Next() {
		var name, typ, isIdentity string
		if err := rows.Scan(&name, &typ, &isIdentity); err != nil {
			return nil, "", err
		}
		types[name] = typ
		if isIdentity == "YES" {
			identity = name
		}
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	if len(types) == 0 {
		return nil, "", errors.New("the destination has no such table")
	}
	return types, identity, nil
}

// convertValue turns a value SQLite returned into one for a PostgreSQL column of
// the type named. SQLite keeps whatever was stored whatever the column's type;
// PostgreSQL does not: text in a BLOB column becomes bytes, bytes in a TEXT
// column text (when it is UTF-8), numbers in an INTEGER column integers.
func convertValue(v any, pgType string) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch pgType {
	case "bytea":
		switch x := v.(type) {
		case []byte:
			return x, nil
		case string:
			return []byte(x), nil
		}
	case "text":
		switch x := v.(type) {
		case string:
			return x, nil
		case []byte:
			if !utf8.Valid(x) {
				return nil, errors.New("bytes that are not UTF-8 text")
			}
			return string(x), nil
		case int64:
			return strconv.FormatInt(x, 10), nil
		case float64:
			return strconv.FormatFloat(x, 'g', -1, 64), nil
		}
	case "bigint", "integer", "smallint":
		switch x := v.(type) {
		case int64:
			return x, nil
		case bool:
			if x {
				return int64(1), nil
			}
			return int64(0), nil
		case float64:
			if x == math.Trunc(x) && math.Abs(x) < 1<<63 {
				return int64(x), nil
			}
		case string:
			if n, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64); err == nil {
				return n, nil
			}
		}
	default:
		return v, nil
	}
	return nil, fmt.Errorf("a %T does not fit a %s column", v, pgType)
}
