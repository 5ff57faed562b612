package store

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"strings"
	"sync"
	"testing"
)

func TestLoginLink(t *testing.T) { forEachStore(t, testLoginLink) }

func testLoginLink(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		db := mustOpen(t)
		clock := newFakeClock()
		db.Now = clock.Now
		acme := mustUser(t, db, "acme")
		token, expires, err := db.CreateLoginLink(t.Context(), "acme")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(token, LoginLinkPrefix) || len(token) < len(LoginLinkPrefix)+40 {
			t.Errorf("token %q lacks the prefix or is too short to be unguessable", token)
		}
		if !expires.Equal(clock.Now().Add(LoginLinkTTL)) {
			t.Errorf("expires %v, want a minute from now", expires)
		}
		clock.Advance(LoginLinkTTL - 1)
		got, err := db.RedeemLoginLink(t.Context(), token)
		if err != nil || got != acme {
			t.Fatalf("RedeemLoginLink = %+v, %v; want %+v", got, err, acme)
		}
		// Only the hash is stored.
		var stored []byte
		if err := db.db.QueryRowContext(t.Context(), `SELECT token_hash FROM login_links`).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		if sum := sha256.Sum256([]byte(token)); !bytes.Equal(stored, sum[:]) {
			t.Error("the stored hash is not the token's SHA-256")
		}
	})
	t.Run("ErrLinkUsed", func(t *testing.T) {
		db := mustOpen(t)
		mustUser(t, db, "acme")
		token, _, _ := db.CreateLoginLink(t.Context(), "acme")
		// Many browsers at once: exactly one gets in.
		var wg sync.WaitGroup
		var mu sync.Mutex
		var ok, used int
		for range 8 {
			wg.Go(func() {
				_, err := db.RedeemLoginLink(t.Context(), token)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					ok++
				case errors.Is(err, ErrLinkUsed):
					used++
				default:
					t.Errorf("RedeemLoginLink: %v", err)
				}
			})
		}
		wg.Wait()
		if ok != 1 || used != 7 {
			t.Errorf("%d redeemed and %d told already used; want 1 and 7", ok, used)
		}
	})
	t.Run("ErrLinkExpired", func(t *testing.T) {
		db := mustOpen(t)
		clock := newFakeClock()
		db.Now = clock.Now
		mustUser(t, db, "acme")
		token, _, _ := db.CreateLoginLink(t.Context(), "acme")
		clock.Advance(LoginLinkTTL)
		if _, err := db.RedeemLoginLink(t.Context(), token); !errors.Is(err, ErrLinkExpired) {
			t.Errorf("a link a minute old: %v, want ErrLinkExpired", err)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		db := mustOpen(t)
		clock := newFakeClock()
		db.Now = clock.Now
		mustUser(t, db, "acme")
		token, _, _ := db.CreateLoginLink(t.Context(), "acme")
		for _, bad := range []string{"", "ftpl_", token + "x", strings.TrimPrefix(token, LoginLinkPrefix)} {
			if _, err := db.RedeemLoginLink(t.Context(), bad); !errors.Is(err, ErrNotFound) {
				t.Errorf("RedeemLoginLink(%q): %v, want ErrNotFound", bad, err)
			}
		}
		// Admins and unknown names get no link: a link signs in a customer only.
		for _, name := range []string{"root", "nobody", ""} {
			if token, _, err := db.CreateLoginLink(t.Context(), name); !errors.Is(err, ErrNotFound) || token != "" {
				t.Errorf("CreateLoginLink(%q) = %q, %v; want ErrNotFound", name, token, err)
			}
		}
		// A day later the spent link is gone.
		clock.Advance(keepSpentLinks + 2*LoginLinkTTL)
		db.CreateLoginLink(t.Context(), "acme")
		if _, err := db.RedeemLoginLink(t.Context(), token); !errors.Is(err, ErrNotFound) {
			t.Errorf("a link a day old: %v, want ErrNotFound once pruned", err)
		}
		if n := countRows(t, db.db, `SELECT count(*) FROM login_links`); n != 1 {
			t.Errorf("%d links kept, want only the new one", n)
		}
	})
}
