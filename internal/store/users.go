package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Role is what a panel user may do.
type Role string

// Panel roles.
const (
	RoleAdmin    Role = "admin"
	RoleCustomer Role = "customer"
)

// User is someone who logs in to the panel.
type User struct {
	ID       int64
	Name     string
	Role     Role
	Customer string // the customer's name for RoleCustomer, empty for admins
	// Language is the panel language the user chose ("de", "pt-BR"); "" when
	// none was, so the browser's Accept-Language decides.
	Language string
}

// IsAdmin reports whether the user sees every session.
func (u User) IsAdmin() bool { return u.Role == RoleAdmin }

// AddAdmin creates a panel administrator.
func (db *DB) AddAdmin(ctx context.Context, name, password string) error {
	if err := ValidateName("admin", name); err != nil {
		return err
	}
	hash, err := db.hashPassword(password)
	if err != nil {
		return err
	}
	_, err = db.db.ExecContext(ctx,
		`INSERT INTO panel_users (name, password_hash, role, created_at) VALUES (?, ?, 'admin', ?)`,
		name, hash, db.timestamp())
	if isUniqueViolation(err) {
		return fmt.Errorf("a panel user named %q %w", name, ErrExists)
	}
	return err
}

// HasAdmin reports whether any administrator exists.
func (db *DB) HasAdmin(ctx context.Context) (bool, error) {
	var n int
	err := db.db.QueryRowContext(ctx, `SELECT count(*) FROM panel_users WHERE role = 'admin'`).Scan(&n)
	return n > 0, err
}

// AddCustomer creates a hosting customer and its panel login, both or neither.
func (db *DB) AddCustomer(ctx context.Context, name, password string) error {
	if err := ValidateName("customer", name); err != nil {
		return err
	}
	hash, err := db.hashPassword(password)
	if err != nil {
		return err
	}
	retired := false
	err = db.inTx(ctx, func(tx *sqlTx) error {
		// History and audit rows keep the customer's name after it is deleted,
		// and a customer sees the rows under its name: a new customer given an
		// old one's name would see the old one's records. Refuse the name.
		// A live customer or panel user of that name is ErrExists, below.
		var live, used int
		err := tx.QueryRowContext(ctx, `SELECT
			(SELECT count(*) FROM customers WHERE name = ?) + (SELECT count(*) FROM panel_users WHERE name = ?),
			(SELECT count(*) FROM (SELECT 1 FROM session_history WHERE customer = ? LIMIT 1) h) +
			(SELECT count(*) FROM (SELECT 1 FROM audit_log WHERE customer = ? LIMIT 1) a)`,
			name, name, name, name).Scan(&live, &used)
		if err != nil {
			return err
		}
		if live == 0 && used > 0 {
			retired = true
			return nil
		}
		now := db.timestamp()
		var id int64
		err = tx.QueryRowContext(ctx, `INSERT INTO customers (name, created_at) VALUES (?, ?) RETURNING id`, name, now).Scan(&id)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx,
			`INSERT INTO panel_users (name, password_hash, role, customer_id, created_at) VALUES (?, ?, 'customer', ?, ?)`,
			name, hash, id, now)
		return err
	})
	if isUniqueViolation(err) {
		return fmt.Errorf("a customer or panel user named %q %w", name, ErrExists)
	}
	if err == nil && retired {
		return fmt.Errorf("customer %q: %w", name, ErrNameKept)
	}
	return err
}

// CustomerExists reports whether a customer of that name exists.
func (db *DB) CustomerExists(ctx context.Context, name string) (bool, error) {
	var n int
	err := db.db.QueryRowContext(ctx, `SELECT count(*) FROM customers WHERE name = ?`, name).Scan(&n)
	return n > 0, err
}

const userColumns = `u.id, u.name, u.role, coalesce(c.name, ''), u.language`
const userJoin = `panel_users u LEFT JOIN customers c ON c.id = u.customer_id`

func scanUser(row interface{ Scan(...any) error }, extra ...any) (User, error) {
	var u User
	err := row.Scan(append([]any{&u.ID, &u.Name, &u.Role, &u.Customer, &u.Language}, extra...)...)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, ErrNotFound
	}
	return u, err
}

// AuthenticatePanelUser checks a panel login. A wrong password and an unknown user
// both return ErrBadCredentials, after the same slow comparison.
func (db *DB) AuthenticatePanelUser(ctx context.Context, name, password string) (User, error) {
	var hash string
	u, err := scanUser(db.db.QueryRowContext(ctx,
		`SELECT `+userColumns+`, u.password_hash FROM `+userJoin+` WHERE u.name = ?`, name), &hash)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return User{}, err
	}
	if !db.verifyPassword(ctx, panelUsers, hash, password) {
		return User{}, ErrBadCredentials
	}
	return u, nil
}

// SetUserLanguage remembers the panel language a user chose ("de", "pt-BR"; ""
// to let the browser decide again). It returns ErrNotFound for an unknown user.
func (db *DB) SetUserLanguage(ctx context.Context, userID int64, language string) error {
	res, err := db.db.ExecContext(ctx, `UPDATE panel_users SET language = ? WHERE id = ?`, language, userID)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return ErrNotFound
	}
	return nil
}
