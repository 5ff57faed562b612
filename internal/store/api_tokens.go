package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// APITokenPrefix starts every API token, so a leaked one is recognisable.
const APITokenPrefix = "ftpp_"

// maxTokenLabel bounds the length of a token's label, in bytes.
const maxTokenLabel = 100

// APIToken is a token for the JSON API as the panel lists it; the token itself
// is shown once, when it is created, and never stored.
type APIToken struct {
	ID         int64
	User       string // the panel user it acts as
	Label      string // what the token is for, as its creator wrote it
	CreatedAt  time.Time
	LastUsedAt time.Time // zero until the token is first used
}

// ValidateTokenLabel checks a token's label: short, one line, printable.
func ValidateTokenLabel(label string) error {
	if len(label) > maxTokenLabel {
		return fmt.Errorf("token label is too long (at most %d bytes)", maxTokenLabel)
	}
	if !utf8.ValidString(label) || strings.ContainsFunc(label, unicode.IsControl) {
		return errors.New("token label must be printable text on one line")
	}
	return nil
}

// CreateAPIToken makes a token that acts as the panel user named userName, with
// that user's scope, and returns it with its record. Only its hash is stored.
// An unknown user is ErrNotFound.
func (db *DB) CreateAPIToken(ctx context.Context, userName, label string) (string, APIToken, error) {
	if err := ValidateTokenLabel(label); err != nil {
		return "", APIToken{}, err
	}
	token := APITokenPrefix + rand.Text() + rand.Text()
	now := db.Now()
	var id int64
	err := db.db.QueryRowContext(ctx, `INSERT INTO api_tokens (token_hash, user_id, label, created_at)
		SELECT ?, id, ?, ? FROM panel_users WHERE name = ? RETURNING id`,
		tokenHash(token), label, formatTime(now), userName).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", APIToken{}, fmt.Errorf("panel user %q %w", userName, ErrNotFound)
	}
	if err != nil {
		return "", APIToken{}, err
	}
	return token, APIToken{ID: id, User: userName, Label: label, CreatedAt: now.UTC()}, nil
}

// APITokenUser returns the panel user a token acts as, or ErrNotFound when the
// token is unknown or revoked.
func (db *DB) APITokenUser(ctx context.Context, token string) (User, error) {
	if !strings.HasPrefix(token, APITokenPrefix) {
		return User{}, ErrNotFound
	}
	var lastUsed string
	u, err := scanUser(db.db.QueryRowContext(ctx, `SELECT `+userColumns+`, t.last_used_at
		FROM api_tokens t JOIN panel_users u ON u.id = t.user_id
		LEFT JOIN customers c ON c.id = u.customer_id WHERE t.token_hash = ?`,
		tokenHash(token)), &lastUsed)
	if err != nil {
		return User{}, err
	}
	// Written at most once a minute, so a busy script does not write on every call.
	if now := db.Now(); lastUsed == "" || now.Sub(parseTime(lastUsed)) > touchEvery {
		if _, err := db.db.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = ? WHERE token_hash = ?`,
			formatTime(now), tokenHash(token)); err != nil {
			return User{}, err
		}
	}
	return u, nil
}

// APITokens lists the tokens of the panel user named userName, oldest first.
func (db *DB) APITokens(ctx context.Context, userName string) ([]APIToken, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT t.id, u.name, t.label, t.created_at, t.last_used_at
		FROM api_tokens t JOIN panel_users u ON u.id = t.user_id WHERE u.name = ? ORDER BY t.id`, userName)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []APIToken
	for rows.Next() {
		var (
			t                 APIToken
			created, lastUsed string
		)
		if err := rows.Scan(&t.ID, &t.User, &t.Label, &created, &lastUsed); err != nil {
			return nil, err
		}
		t.CreatedAt = parseTime(created)
		if lastUsed != "" {
			t.LastUsedAt = parseTime(lastUsed)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeAPIToken deletes token id of the panel user named userName; the token
// stops working at once. Another user's token, or an unknown one, is ErrNotFound.
func (db *DB) RevokeAPIToken(ctx context.Context, userName string, id int64) error {
	res, err := db.db.ExecContext(ctx, `DELETE FROM api_tokens
		WHERE id = ? AND user_id = (SELECT id FROM panel_users WHERE name = ?)`, id, userName)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("API token %d of %q %w", id, userName, ErrNotFound)
	}
	return nil
}
