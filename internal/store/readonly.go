package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// SQLite opens a database file, or its write-ahead log, that it cannot write
// read-only instead of failing. Such a connection serves reads while the disk
// refuses writes, which is good, but it stays read-only after the files are
// writable again, and every write that lands on it would fail until a restart.
// So the pool's connections are wrapped: one that answers SQLITE_READONLY is
// reported bad, and database/sql retries the statement on another connection,
// a new one in the end, and drops the bad one.

// connector opens wrapped connections through the registered "sqlite" driver.
type connector struct {
	dsn    string
	driver driver.Driver
}

func (c connector) Connect(context.Context) (driver.Conn, error) {
	conn, err := c.driver.Open(c.dsn)
	if err != nil {
		return nil, err
	}
	return &recoveringConn{Conn: conn}, nil
}

func (c connector) Driver() driver.Driver { return c.driver }

// sqliteConn is what the sqlite driver's connections offer and database/sql uses.
type sqliteConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
}

// recoveringConn is a connection that leaves the pool once it turns out to be
// read-only.
type recoveringConn struct {
	driver.Conn
	readOnly bool // set and read by the one goroutine database/sql lends it to
}

var _ sqliteConn = (*recoveringConn)(nil)

// check marks the connection bad on SQLITE_READONLY. Such a statement changed
// nothing, so database/sql may safely try it again elsewhere.
func (c *recoveringConn) check(err error) error {
	var e *sqlite.Error
	if errors.As(err, &e) && e.Code()&0xff == sqlite3.SQLITE_READONLY {
		c.readOnly = true
		return fmt.Errorf("%w: %w", driver.ErrBadConn, err)
	}
	return err
}

func (c *recoveringConn) inner() sqliteConn { return c.Conn.(sqliteConn) }

func (c *recoveringConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	tx, err := c.inner().BeginTx(ctx, opts)
	return tx, c.check(err)
}

func (c *recoveringConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return c.inner().PrepareContext(ctx, query)
}

func (c *recoveringConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	res, err := c.inner().ExecContext(ctx, query, args)
	return res, c.check(err)
}

func (c *recoveringConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	rows, err := c.inner().QueryContext(ctx, query, args)
	return rows, c.check(err)
}

func (c *recoveringConn) Ping(ctx context.Context) error { return c.inner().Ping(ctx) }

func (c *recoveringConn) ResetSession(ctx context.Context) error {
	if c.readOnly {
		return driver.ErrBadConn
	}
	return c.inner().ResetSession(ctx)
}

func (c *recoveringConn) IsValid() bool { return !c.readOnly && c.inner().IsValid() }
