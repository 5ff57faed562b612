package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// AccountScope is whose FTP accounts a panel user may see and change. Its zero
// value allows none, so a forgotten scope shows nothing rather than everything.
type AccountScope struct {
	all      bool
	customer string
}

// AllAccounts is an administrator's scope: every customer's accounts.
func AllAccounts() AccountScope { return AccountScope{all: true} }

// CustomerAccounts is one hosting customer's scope: its own accounts only.
func CustomerAccounts(customer string) AccountScope { return AccountScope{customer: customer} }

// FTPAccountInfo is an FTP account as the accounts page lists it.
type FTPAccountInfo struct {
	FTPAccount
	Disabled  bool
	CreatedAt time.Time
}

const accountInfoQuery = `SELECT a.login, c.name, a.idle_timeout_seconds, a.disabled, a.created_at,
	a.download_limit, a.upload_limit
	FROM ftp_accounts a JOIN customers c ON c.id = a.customer_id
	WHERE (? = 1 OR (? != '' AND c.name = ?))`

func scanAccountInfo(row interface{ Scan(...any) error }) (FTPAccountInfo, error) {
	var (
		a       FTPAccountInfo
		idle    int64
		created string
	)
	if err := row.Scan(&a.Login, &a.Customer, &idle, &a.Disabled, &created, &a.DownloadLimit, &a.UploadLimit); err != nil {
		return FTPAccountInfo{}, err
	}
	a.IdleTimeout = time.Duration(idle) * time.Second
	a.CreatedAt = parseTime(created)
	return a, nil
}

// FTPAccounts lists the FTP accounts within scope, by customer and then login.
func (db *DB) FTPAccounts(ctx context.Context, scope AccountScope) ([]FTPAccountInfo, error) {
	rows, err := db.db.QueryContext(ctx, accountInfoQuery+` ORDER BY c.name, a.login`,
		scope.all, scope.customer, scope.customer)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []FTPAccountInfo
	for rows.Next() {
		a, err := scanAccountInfo(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// FTPAccountIn returns the FTP account login if it is within scope. An account of
// another customer is ErrNotFound, exactly as one that does not exist.
func (db *DB) FTPAccountIn(ctx context.Context, scope AccountScope, login string) (FTPAccountInfo, error) {
	a, err := scanAccountInfo(db.db.QueryRowContext(ctx, accountInfoQuery+` AND a.login = ?`,
		scope.all, scope.customer, scope.customer, login))
	if errors.Is(err, sql.ErrNoRows) {
		return FTPAccountInfo{}, fmt.Errorf("FTP account %q: %w", login, ErrNotFound)
	}
	return a, err
}

// Customers lists the hosting customers' names in order.
func (db *DB) Customers(ctx context.Context) ([]string, error) {
	return queryStrings(ctx, db.db, `SELECT name FROM customers ORDER BY name`)
}
