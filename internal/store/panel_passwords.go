package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// ChangePanelPassword gives panel user userID a new password once the current one
// is checked, and signs out every other browser of that user: all its sign-ins
// but the one of keepToken. It returns how many it signed out, and
// ErrBadCredentials when current is wrong. API tokens are not affected.
func (db *DB) ChangePanelPassword(ctx context.Context, userID int64, current, newPassword, keepToken string) (int, error) {
	var hash string
	err := db.db.QueryRowContext(ctx, `SELECT password_hash FROM panel_users WHERE id = ?`, userID).Scan(&hash)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("panel user %d: %w", userID, ErrNotFound)
	}
	if err != nil {
		return 0, err
	}
	if !db.verifyPassword(ctx, panelUsers, hash, current) {
		return 0, ErrBadCredentials
	}
	newHash, err := db.hashPassword(newPassword)
	if err != nil {
		return 0, err
	}
	return db.setPanelPassword(ctx, userID, newHash, keepToken)
}

// SetPanelPassword gives the panel user name, which must have role, a new
// password and signs out all of its browsers; it returns how many. For the
// command line: whoever runs it owns the data directory, so no current password
// is asked. ErrNotFound when no user of that name has that role.
func (db *DB) SetPanelPassword(ctx context.Context, name string, role Role, password string) (int, error) {
	hash, err := db.hashPassword(password)
	if err != nil {
		return 0, err
	}
	var id int64
	err = db.db.QueryRowContext(ctx, `SELECT id FROM panel_users WHERE name = ? AND role = ?`, name, role).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("panel %s %q: %w", role, name, ErrNotFound)
	}
	if err != nil {
		return 0, err
	}
	return db.setPanelPassword(ctx, id, hash, "")
}

// setPanelPassword stores user id's new hash and ends its sign-ins but the one
// of keepToken (none when empty), in one transaction.
func (db *DB) setPanelPassword(ctx context.Context, id int64, hash, keepToken string) (int, error) {
	var ended int64
	err := db.inTx(ctx, func(tx *sqlTx) error {
		res, err := tx.ExecContext(ctx, `UPDATE panel_users SET password_hash = ? WHERE id = ?`, hash, id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return fmt.Errorf("panel user %d: %w", id, ErrNotFound)
		}
		query, args := `DELETE FROM sign_ins WHERE user_id = ?`, []any{id}
		if keepToken != "" {
			query, args = query+` AND token_hash != ?`, append(args, tokenHash(keepToken))
		}
		res, err = tx.ExecContext(ctx, query, args...)
		if err != nil {
			return err
		}
		ended, err = res.RowsAffected()
		return err
	})
	return int(ended), err
}
