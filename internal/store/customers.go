package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Customer is a hosting customer as the provisioning API shows it.
type Customer struct {
	Name      string
	CreatedAt time.Time
	Accounts  int // how many FTP accounts it owns
}

// ErrHasAccounts is DeleteCustomer's refusal of a customer that still owns FTP
// accounts: deleting them ends their sessions, which the caller must do itself.
var ErrHasAccounts = errors.New("it still owns FTP accounts")

const customerQuery = `SELECT c.name, c.created_at,
		(SELECT count(*) FROM ftp_accounts a WHERE a.customer_id = c.id)
	FROM customers c`

func scanCustomer(row interface{ Scan(...any) error }) (Customer, error) {
	var (
		c       Customer
		created string
	)
	if err := row.Scan(&c.Name, &created, &c.Accounts); err != nil {
		return Customer{}, err
	}
	c.CreatedAt = parseTime(created)
	return c, nil
}

// CustomerList lists the hosting customers by name, each with how many FTP
// accounts it owns.
func (db *DB) CustomerList(ctx context.Context) ([]Customer, error) {
	rows, err := db.db.QueryContext(ctx, customerQuery+` ORDER BY c.name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Customer
	for rows.Next() {
		c, err := scanCustomer(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// CustomerNamed returns the customer name; ErrNotFound when there is none.
func (db *DB) CustomerNamed(ctx context.Context, name string) (Customer, error) {
	c, err := scanCustomer(db.db.QueryRowContext(ctx, customerQuery+` WHERE c.name = ?`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return Customer{}, fmt.Errorf("customer %q: %w", name, ErrNotFound)
	}
	return c, err
}

// DeleteCustomer removes a customer with its panel login, that login's
// sign-ins, API tokens and sign-in links. A customer that still owns FTP
// accounts is refused with ErrHasAccounts, so that no account goes without its
// sessions being ended and the change recorded (DeleteFTPAccount does both);
// ErrNotFound when there is no such customer. History and audit rows stay.
func (db *DB) DeleteCustomer(ctx context.Context, name string) error {
	return db.inTx(ctx, func(tx *sqlTx) error {
		var id int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM customers WHERE name = ?`, name).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("customer %q: %w", name, ErrNotFound)
		}
		if err != nil {
			return err
		}
		var accounts int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM ftp_accounts WHERE customer_id = ?`, id).Scan(&accounts); err != nil {
			return err
		}
		if accounts > 0 {
			return fmt.Errorf("customer %q: %w", name, ErrHasAccounts)
		}
		// The panel login goes with the customer (ON DELETE CASCADE), and its
		// sign-ins, tokens and links with it.
		_, err = tx.ExecContext(ctx, `DELETE FROM customers WHERE id = ?`, id)
		return err
	})
}
