package store

import (
	"context"
	"crypto/rand"

	"golang.org/x/crypto/bcrypt"
)

func (db *DB) hashPassword(pw string) (string, error) {
	if err := ValidatePassword(pw); err != nil {
		return "", err
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pw), db.PasswordCost)
	return string(h), err
}

// verifyPassword compares pw with hash. With no hash (an unknown user) it still does
// the slow comparison, against a dummy hash as costly as the table's real ones, so
// that both failures take the same time. An FTP password that matched in the
// last minutes is not hashed again (see verifiedLogins).
func (db *DB) verifyPassword(ctx context.Context, table passwordTable, hash, pw string) bool {
	if hash == "" {
		compareHash(db.dummyHash(ctx, table), []byte(pw))
		return false
	}
	remember := table == ftpAccounts
	if remember && db.verified.has(hash, pw, db.Now()) {
		return true
	}
	ok := compareHash([]byte(hash), []byte(pw)) == nil
	if ok && remember {
		db.verified.add(hash, pw, db.Now())
	}
	return ok
}

// passwordTable names a table with a password_hash column.
type passwordTable string

const (
	panelUsers  passwordTable = "panel_users"
	ftpAccounts passwordTable = "ftp_accounts"
)

// dummyHash returns a hash of a random password at the cost of the table's newest
// hash: the cost can change between the commands that create accounts.
func (db *DB) dummyHash(ctx context.Context, table passwordTable) []byte {
	cost := db.PasswordCost
	var newest string
	if err := db.db.QueryRowContext(ctx, `SELECT password_hash FROM `+string(table)+` ORDER BY id DESC LIMIT 1`).Scan(&newest); err == nil {
		if c, err := bcrypt.Cost([]byte(newest)); err == nil {
			cost = c
		}
	}
	if h, ok := db.dummies.Load(cost); ok {
		return h.([]byte)
	}
	h, _ := bcrypt.GenerateFromPassword([]byte(rand.Text()), cost)
	actual, _ := db.dummies.LoadOrStore(cost, h)
	return actual.([]byte)
}

// WarmUp prepares the dummy hashes, so that the first login of an unknown user
// does not take longer than later ones.
func (db *DB) WarmUp(ctx context.Context) {
	db.dummyHash(ctx, panelUsers)
	db.dummyHash(ctx, ftpAccounts)
}
