package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// FTPAccount is a login to the FTP server, owned by one customer.
type FTPAccount struct {
	Login    string
	Customer string
}

// AddFTPAccount creates an FTP account for an existing customer.
func (db *DB) AddFTPAccount(ctx context.Context, login, customer, password string) error {
	if err := ValidateName("FTP login", login); err != nil {
		return err
	}
	hash, err := db.hashPassword(password)
	if err != nil {
		return err
	}
	res, err := db.db.ExecContext(ctx, `INSERT INTO ftp_accounts (login, customer_id, password_hash, created_at)
		SELECT ?, id, ?, ? FROM customers WHERE name = ?`, login, hash, db.timestamp(), customer)
	if isUniqueViolation(err) {
		return fmt.Errorf("an FTP account named %q %w", login, ErrExists)
	}
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return fmt.Errorf("customer %q: %w", customer, ErrNotFound)
	}
	return nil
}

// AuthenticateFTP checks an FTP login. A wrong password, an unknown login and a
// disabled account all return ErrBadCredentials, after the same slow comparison.
func (db *DB) AuthenticateFTP(ctx context.Context, login, password string) (FTPAccount, error) {
	var (
		a        FTPAccount
		hash     string
		disabled bool
	)
	err := db.db.QueryRowContext(ctx, `SELECT a.login, c.name, a.password_hash, a.disabled
		FROM ftp_accounts a JOIN customers c ON c.id = a.customer_id WHERE a.login = ?`, login).
		Scan(&a.Login, &a.Customer, &hash, &disabled)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return FTPAccount{}, err
	}
	if !db.verifyPassword(ctx, ftpAccounts, hash, password) || disabled {
		return FTPAccount{}, ErrBadCredentials
	}
	return a, nil
}

// DeleteFTPAccount removes an FTP account.
func (db *DB) DeleteFTPAccount(ctx context.Context, login string) error {
	res, err := db.db.ExecContext(ctx, `DELETE FROM ftp_accounts WHERE login = ?`, login)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return fmt.Errorf("FTP account %q: %w", login, ErrNotFound)
	}
	return nil
}
