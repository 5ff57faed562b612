package store

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// compareHash is bcrypt's comparison; tests count its calls.
var compareHash = bcrypt.CompareHashAndPassword

// Verified FTP logins are remembered this long, at most this many at once.
const (
	verifiedFor = 10 * time.Minute
	maxVerified = 10_000
)

// verifiedLogins remembers FTP passwords that bcrypt has just matched, so that a
// client that logs in again and again (many FTP clients open a session for each
// transfer) pays the slow hash once, not each time. It keeps no password: only
// an HMAC-SHA-256 of the stored hash and the password, under a random key that
// lives in this process's memory alone. A changed password has a new hash, so
// its old entries never match again; a wrong password never enters, so it
// always costs a full bcrypt comparison. The zero value is ready to use.
type verifiedLogins struct {
	once  sync.Once
	key   []byte
	mu    sync.Mutex
	until map[[sha256.Size]byte]time.Time
}

func (v *verifiedLogins) mac(hash, pw string) [sha256.Size]byte {
	v.once.Do(func() {
		v.key = make([]byte, 32)
		rand.Read(v.key)
		v.until = make(map[[sha256.Size]byte]time.Time)
	})
	m := hmac.New(sha256.New, v.key)
	m.Write([]byte(hash))
	m.Write([]byte{0})
	m.Write([]byte(pw))
	var sum [sha256.Size]byte
	m.Sum(sum[:0])
	return sum
}

// has reports whether pw matched hash less than verifiedFor ago.
func (v *verifiedLogins) has(hash, pw string, now time.Time) bool {
	sum := v.mac(hash, pw)
	v.mu.Lock()
	defer v.mu.Unlock()
	until, ok := v.until[sum]
	return ok && now.Before(until)
}

// add remembers that pw matched hash. When full, expired entries make room; if
// none has expired, nothing is added and the next login hashes again.
func (v *verifiedLogins) add(hash, pw string, now time.Time) {
	sum := v.mac(hash, pw)
	v.mu.Lock()
	defer v.mu.Unlock()
	if len(v.until) >= maxVerified {
		for k, until := range v.until {
			if !now.Before(until) {
				delete(v.until, k)
			}
		}
		if len(v.until) >= maxVerified {
			return
		}
	}
	v.until[sum] = now.Add(verifiedFor)
}
