package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// LoginLinkTTL is how long a sign-in link works after it is made.
const LoginLinkTTL = 60 * time.Second

// LoginLinkPrefix starts every sign-in link's token, so a leaked one is recognisable.
const LoginLinkPrefix = "ftpl_"

// keepSpentLinks is how long used and expired links are kept, to tell a second
// use from an unknown link.
const keepSpentLinks = 24 * time.Hour

// Why a sign-in link is refused; the messages are safe to show.
var (
	ErrLinkUsed    = errors.New("this sign-in link has already been used")
	ErrLinkExpired = errors.New("this sign-in link has expired")
)

// CreateLoginLink makes a one-time sign-in link for the customer's panel user
// and returns its token and when it expires. Only the token's hash is stored.
// An unknown customer is ErrNotFound.
func (db *DB) CreateLoginLink(ctx context.Context, customer string) (string, time.Time, error) {
	token := LoginLinkPrefix + rand.Text() + rand.Text()
	now := db.Now()
	expires := now.Add(LoginLinkTTL)
	var n int64
	err := db.inTx(ctx, func(tx *sqlTx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM login_links WHERE expires_at < ?`,
			formatTime(now.Add(-keepSpentLinks))); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO login_links (token_hash, user_id, created_at, expires_at)
			SELECT ?, u.id, ?, ? FROM panel_users u JOIN customers c ON c.id = u.customer_id
			WHERE c.name = ? AND u.role = 'customer'`,
			tokenHash(token), formatTime(now), formatTime(expires), customer)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return "", time.Time{}, err
	}
	if n == 0 {
		return "", time.Time{}, fmt.Errorf("customer %q %w", customer, ErrNotFound)
	}
	return token, expires.UTC(), nil
}

// RedeemLoginLink uses a sign-in link, once, and returns the panel user it signs
// in. A link used before is ErrLinkUsed, one past its time ErrLinkExpired, and
// one never made ErrNotFound.
func (db *DB) RedeemLoginLink(ctx context.Context, token string) (User, error) {
	if !strings.HasPrefix(token, LoginLinkPrefix) {
		return User{}, ErrNotFound
	}
	now := formatTime(db.Now())
	var user User
	err := db.inTx(ctx, func(tx *sqlTx) error {
		var usedAt sql.NullString
		var expiresAt string
		var userID int64
		err := tx.QueryRowContext(ctx, `SELECT user_id, expires_at, used_at FROM login_links WHERE token_hash = ?`,
			tokenHash(token)).Scan(&userID, &expiresAt, &usedAt)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if usedAt.Valid {
			return ErrLinkUsed
		}
		if expiresAt <= now {
			return ErrLinkExpired
		}
		// The transaction holds the write lock from its start (_txlock=immediate),
		// so no other request can use the link between the check and this.
		if _, err := tx.ExecContext(ctx, `UPDATE login_links SET used_at = ? WHERE token_hash = ?`, now, tokenHash(token)); err != nil {
			return err
		}
		user, err = scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM `+userJoin+` WHERE u.id = ?`, userID))
		return err
	})
	return user, err
}
