package store

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"strings"
	"testing"
	"time"
)

func mustCreateToken(t *testing.T, db *DB, user, label string) (string, APIToken) {
	t.Helper()
	token, rec, err := db.CreateAPIToken(t.Context(), user, label)
	if err != nil {
		t.Fatalf("CreateAPIToken(%q): %v", user, err)
	}
	return token, rec
}

func TestAPIToken(t *testing.T) { forEachStore(t, testAPIToken) }

func testAPIToken(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		db := mustOpen(t)
		clock := newFakeClock()
		db.Now = clock.Now
		for _, name := range []string{"root", "acme"} {
			u := mustUser(t, db, name)
			token, rec := mustCreateToken(t, db, name, "deploy script")
			if !strings.HasPrefix(token, APITokenPrefix) || len(token) < len(APITokenPrefix)+40 {
				t.Errorf("token %q lacks the prefix or is too short to be unguessable", token)
			}
			if rec.ID == 0 || rec.User != name || rec.Label != "deploy script" || !rec.CreatedAt.Equal(clock.Now()) {
				t.Errorf("record = %+v", rec)
			}
			got, err := db.APITokenUser(t.Context(), token)
			if err != nil {
				t.Fatalf("APITokenUser(%s): %v", name, err)
			}
			if got != u {
				t.Errorf("APITokenUser = %+v, want %+v (with its scope)", got, u)
			}
		}
	})
	t.Run("ErrNotFoundUnknownUser", func(t *testing.T) {
		db := mustOpen(t)
		mustUser(t, db, "root")
		for _, name := range []string{"nobody", "", "ROOT"} {
			token, _, err := db.CreateAPIToken(t.Context(), name, "")
			if !errors.Is(err, ErrNotFound) || token != "" {
				t.Errorf("CreateAPIToken(%q) = %q, %v; want ErrNotFound", name, token, err)
			}
		}
		if n := countRows(t, db.db, `SELECT count(*) FROM api_tokens`); n != 0 {
			t.Errorf("%d token rows, want 0", n)
		}
	})
	t.Run("ErrNotFoundBadToken", func(t *testing.T) {
		db := mustOpen(t)
		mustUser(t, db, "root")
		token, _ := mustCreateToken(t, db, "root", "")
		// A panel cookie is not an API token, even for the same user.
		cookie := mustSignIn(t, db, mustUser(t, db, "root"))
		for _, bad := range []string{"", "ftpp_", "not-a-token", token[:len(token)-1], token + "x",
			strings.ToLower(token), strings.TrimPrefix(token, APITokenPrefix), cookie} {
			got, err := db.APITokenUser(t.Context(), bad)
			if !errors.Is(err, ErrNotFound) || got != (User{}) {
				t.Errorf("APITokenUser(%q) = %+v, %v; want ErrNotFound", bad, got, err)
			}
		}
	})
	t.Run("BadLabel", func(t *testing.T) {
		db := mustOpen(t)
		mustUser(t, db, "root")
		for _, label := range []string{strings.Repeat("x", 101), "two\nlines", "bell\a", "\xff"} {
			if _, _, err := db.CreateAPIToken(t.Context(), "root", label); err == nil {
				t.Errorf("CreateAPIToken with label %q succeeded", label)
			}
		}
		if n := countRows(t, db.db, `SELECT count(*) FROM api_tokens`); n != 0 {
			t.Errorf("%d token rows, want 0", n)
		}
	})
	t.Run("ListAndRevoke", func(t *testing.T) {
		db := mustOpen(t)
		mustUser(t, db, "root")
		first, a := mustCreateToken(t, db, "root", "first")
		second, b := mustCreateToken(t, db, "root", "second")
		acmeToken, c := mustCreateToken(t, db, "acme", "")
		if first == second {
			t.Fatal("two tokens are the same")
		}
		list, err := db.APITokens(t.Context(), "root")
		if err != nil || len(list) != 2 || list[0].ID != a.ID || list[1].ID != b.ID || list[1].Label != "second" {
			t.Fatalf("APITokens(root) = %+v, %v; want first and second", list, err)
		}
		// One user cannot revoke another's token.
		if err := db.RevokeAPIToken(t.Context(), "acme", a.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("acme revoking root's token: %v, want ErrNotFound", err)
		}
		if err := db.RevokeAPIToken(t.Context(), "root", a.ID); err != nil {
			t.Fatalf("RevokeAPIToken: %v", err)
		}
		if _, err := db.APITokenUser(t.Context(), first); !errors.Is(err, ErrNotFound) {
			t.Errorf("revoked token: %v, want ErrNotFound", err)
		}
		if err := db.RevokeAPIToken(t.Context(), "root", a.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("revoking twice: %v, want ErrNotFound", err)
		}
		for _, tok := range []string{second, acmeToken} {
			if _, err := db.APITokenUser(t.Context(), tok); err != nil {
				t.Errorf("a token that was not revoked stopped working: %v", err)
			}
		}
		if list, _ := db.APITokens(t.Context(), "acme"); len(list) != 1 || list[0].ID != c.ID {
			t.Errorf("APITokens(acme) = %+v", list)
		}
	})
	t.Run("LastUsed", func(t *testing.T) {
		db := mustOpen(t)
		clock := newFakeClock()
		db.Now = clock.Now
		mustUser(t, db, "root")
		token, _ := mustCreateToken(t, db, "root", "")
		lastUsed := func() time.Time {
			t.Helper()
			list, err := db.APITokens(t.Context(), "root")
			if err != nil || len(list) != 1 {
				t.Fatalf("APITokens = %+v, %v", list, err)
			}
			return list[0].LastUsedAt
		}
		if !lastUsed().IsZero() {
			t.Errorf("a new token was used at %v", lastUsed())
		}
		clock.Advance(time.Hour)
		firstUse := clock.Now()
		if _, err := db.APITokenUser(t.Context(), token); err != nil {
			t.Fatal(err)
		}
		if !lastUsed().Equal(firstUse) {
			t.Errorf("last used %v, want %v", lastUsed(), firstUse)
		}
		clock.Advance(30 * time.Second) // within a minute: not written again
		db.APITokenUser(t.Context(), token)
		if !lastUsed().Equal(firstUse) {
			t.Errorf("last used %v after a use within a minute, want unchanged %v", lastUsed(), firstUse)
		}
		clock.Advance(time.Minute)
		db.APITokenUser(t.Context(), token)
		if !lastUsed().Equal(clock.Now()) {
			t.Errorf("last used %v, want %v", lastUsed(), clock.Now())
		}
	})
	t.Run("TokenNotStored", func(t *testing.T) {
		db := mustOpen(t)
		mustUser(t, db, "root")
		token, _ := mustCreateToken(t, db, "root", "label")
		var hash []byte
		if err := db.db.QueryRowContext(t.Context(), `SELECT token_hash FROM api_tokens`).Scan(&hash); err != nil {
			t.Fatal(err)
		}
		want := sha256.Sum256([]byte(token))
		if !bytes.Equal(hash, want[:]) {
			t.Errorf("token_hash = %x, want sha256(token) %x", hash, want)
		}
		if bytes.Contains(hash, []byte(token[len(APITokenPrefix):][:16])) {
			t.Error("the stored row holds the token")
		}
	})
	t.Run("DeletedWithUser", func(t *testing.T) {
		db := mustOpen(t)
		mustUser(t, db, "acme")
		token, _ := mustCreateToken(t, db, "acme", "")
		if _, err := db.db.ExecContext(t.Context(), `DELETE FROM customers WHERE name = 'acme'`); err != nil {
			t.Fatal(err)
		}
		if _, err := db.APITokenUser(t.Context(), token); !errors.Is(err, ErrNotFound) {
			t.Errorf("token of a deleted customer: %v, want ErrNotFound", err)
		}
		if n := countRows(t, db.db, `SELECT count(*) FROM api_tokens`); n != 0 {
			t.Errorf("%d token rows left, want 0", n)
		}
	})
}
