package store

import (
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
// the slow comparison, against a dummy hash, so both failures take the same time.
func (db *DB) verifyPassword(hash, pw string) bool {
	if hash == "" {
		db.dummyOnce.Do(func() {
			db.dummyHash, _ = bcrypt.GenerateFromPassword([]byte(rand.Text()), db.PasswordCost)
		})
		bcrypt.CompareHashAndPassword(db.dummyHash, []byte(pw))
		return false
	}
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(pw)) == nil
}
