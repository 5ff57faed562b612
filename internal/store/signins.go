package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"time"
)

// A sign-in is one browser signed in to the panel, known by the token in its
// cookie; it is not an FTP session (internal/session).

// SignInIdle is how long a panel sign-in lasts without use.
const SignInIdle = 12 * time.Hour

// touchEvery limits last_seen writes to one a minute per browser.
const touchEvery = time.Minute

func tokenHash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// CreateSignIn signs a user in and returns the token for the cookie. Only its
// hash is stored, so a copy of the database signs nobody in.
func (db *DB) CreateSignIn(ctx context.Context, userID int64) (string, error) {
	token := rand.Text() + rand.Text()
	now := db.timestamp()
	_, err := db.db.ExecContext(ctx,
		`INSERT INTO sign_ins (token_hash, user_id, created_at, last_seen) VALUES (?, ?, ?, ?)`,
		tokenHash(token), userID, now, now)
	if err != nil {
		return "", err
	}
	return token, nil
}

// SignedInUser returns the user signed in with token, or ErrNotFound when the
// token is unknown or has been idle too long.
func (db *DB) SignedInUser(ctx context.Context, token string) (User, error) {
	var lastSeen string
	u, err := scanUser(db.db.QueryRowContext(ctx, `SELECT `+userColumns+`, si.last_seen
		FROM sign_ins si JOIN panel_users u ON u.id = si.user_id
		LEFT JOIN customers c ON c.id = u.customer_id WHERE si.token_hash = ?`,
		tokenHash(token)), &lastSeen)
	if err != nil {
		return User{}, err
	}
	now := db.Now()
	idle := now.Sub(parseTime(lastSeen))
	if idle > SignInIdle {
		db.EndSignIn(ctx, token)
		return User{}, ErrNotFound
	}
	if idle > touchEvery {
		if _, err := db.db.ExecContext(ctx, `UPDATE sign_ins SET last_seen = ? WHERE token_hash = ?`,
			formatTime(now), tokenHash(token)); err != nil {
			return User{}, err
		}
	}
	return u, nil
}

// EndSignIn signs a browser out.
func (db *DB) EndSignIn(ctx context.Context, token string) error {
	_, err := db.db.ExecContext(ctx, `DELETE FROM sign_ins WHERE token_hash = ?`, tokenHash(token))
	return err
}
