package store

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"strings"
	"testing"
	"time"
)

// mustUser adds an admin "root" and a customer "acme" and returns the one named.
func mustUser(t *testing.T, db *DB, name string) User {
	t.Helper()
	if ok := mustHasAdmin(t, db); !ok {
		if err := db.AddAdmin(t.Context(), "root", adminPW); err != nil {
			t.Fatalf("AddAdmin: %v", err)
		}
		if err := db.AddCustomer(t.Context(), "acme", customerPW); err != nil {
			t.Fatalf("AddCustomer: %v", err)
		}
	}
	pw := map[string]string{"root": adminPW, "acme": customerPW}[name]
	u, err := db.AuthenticatePanelUser(t.Context(), name, pw)
	if err != nil {
		t.Fatalf("AuthenticatePanelUser(%q): %v", name, err)
	}
	return u
}

func mustCreateSession(t *testing.T, db *DB, u User) string {
	t.Helper()
	token, err := db.CreatePanelSession(t.Context(), u.ID)
	if err != nil {
		t.Fatalf("CreatePanelSession: %v", err)
	}
	return token
}

func lastSeen(t *testing.T, db *DB, token string) time.Time {
	t.Helper()
	var s string
	h := sha256.Sum256([]byte(token))
	if err := db.db.QueryRowContext(t.Context(), `SELECT last_seen FROM panel_sessions WHERE token_hash = ?`, h[:]).Scan(&s); err != nil {
		t.Fatalf("read last_seen: %v", err)
	}
	ts, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatalf("last_seen %q: %v", s, err)
	}
	return ts
}

func TestPanelSession(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		db := mustOpen(t)
		for _, name := range []string{"root", "acme"} {
			u := mustUser(t, db, name)
			token := mustCreateSession(t, db, u)
			if len(token) < 32 {
				t.Errorf("token %q is too short to be unguessable", token)
			}
			got, err := db.PanelSessionUser(t.Context(), token)
			if err != nil {
				t.Fatalf("PanelSessionUser(%s): %v", name, err)
			}
			if got != u {
				t.Errorf("PanelSessionUser = %+v, want %+v", got, u)
			}
		}
	})
	t.Run("TokensDiffer", func(t *testing.T) {
		db := mustOpen(t)
		u := mustUser(t, db, "root")
		a, b := mustCreateSession(t, db, u), mustCreateSession(t, db, u)
		if a == b {
			t.Fatalf("two sessions got the same token %q", a)
		}
		for _, tok := range []string{a, b} {
			if got, err := db.PanelSessionUser(t.Context(), tok); err != nil || got.Name != "root" {
				t.Errorf("PanelSessionUser = %+v, %v; want root", got, err)
			}
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		db := mustOpen(t)
		u := mustUser(t, db, "root")
		token := mustCreateSession(t, db, u)
		for _, bad := range []string{"", "not-a-token", token[:len(token)-1], token + "x", strings.ToLower(token)} {
			if bad == token {
				continue
			}
			got, err := db.PanelSessionUser(t.Context(), bad)
			if !errors.Is(err, ErrNotFound) {
				t.Errorf("PanelSessionUser(%q) = %v, want ErrNotFound", bad, err)
			}
			if got != (User{}) {
				t.Errorf("PanelSessionUser(%q) user = %+v, want zero", bad, got)
			}
		}
	})
	t.Run("Delete", func(t *testing.T) {
		db := mustOpen(t)
		u := mustUser(t, db, "acme")
		keep := mustCreateSession(t, db, u)
		token := mustCreateSession(t, db, u)
		if err := db.DeletePanelSession(t.Context(), token); err != nil {
			t.Fatalf("DeletePanelSession: %v", err)
		}
		if _, err := db.PanelSessionUser(t.Context(), token); !errors.Is(err, ErrNotFound) {
			t.Errorf("PanelSessionUser after delete = %v, want ErrNotFound", err)
		}
		if got, err := db.PanelSessionUser(t.Context(), keep); err != nil || got != u {
			t.Errorf("other session after delete = %+v, %v; want %+v", got, err, u)
		}
		// Signing out twice, or with an unknown token, is not an error.
		if err := db.DeletePanelSession(t.Context(), token); err != nil {
			t.Errorf("second DeletePanelSession: %v", err)
		}
		if n := countRows(t, db.db, `SELECT count(*) FROM panel_sessions`); n != 1 {
			t.Errorf("%d session rows, want 1", n)
		}
	})
	t.Run("TokenNotStored", func(t *testing.T) {
		path := tempDBPath(t)
		db := mustOpenFile(t, path)
		u := mustUser(t, db, "root")
		token := mustCreateSession(t, db, u)
		raw := openRaw(t, path)
		var (
			n                   int
			hash                []byte
			userID              int64
			created, lastSeenAt string
		)
		if err := raw.QueryRowContext(t.Context(), `SELECT count(*) FROM panel_sessions`).Scan(&n); err != nil || n != 1 {
			t.Fatalf("session rows = %d, %v; want 1", n, err)
		}
		if err := raw.QueryRowContext(t.Context(), `SELECT token_hash, user_id, created_at, last_seen FROM panel_sessions`).
			Scan(&hash, &userID, &created, &lastSeenAt); err != nil {
			t.Fatal(err)
		}
		want := sha256.Sum256([]byte(token))
		if !bytes.Equal(hash, want[:]) {
			t.Errorf("token_hash = %x, want sha256(token) %x", hash, want)
		}
		for col, v := range map[string]string{"token_hash": string(hash), "created_at": created, "last_seen": lastSeenAt} {
			if strings.Contains(v, token) || bytes.Contains([]byte(v), []byte(token[:16])) {
				t.Errorf("column %s holds the token", col)
			}
		}
		if userID != u.ID {
			t.Errorf("user_id = %d, want %d", userID, u.ID)
		}
	})
	t.Run("UserDeletedWithCustomer", func(t *testing.T) {
		// Sessions of a deleted panel user go with it (ON DELETE CASCADE needs
		// foreign_keys on).
		db := mustOpen(t)
		u := mustUser(t, db, "acme")
		token := mustCreateSession(t, db, u)
		if _, err := db.db.ExecContext(t.Context(), `DELETE FROM customers WHERE name = 'acme'`); err != nil {
			t.Fatal(err)
		}
		if _, err := db.PanelSessionUser(t.Context(), token); !errors.Is(err, ErrNotFound) {
			t.Errorf("PanelSessionUser after the customer was deleted = %v, want ErrNotFound", err)
		}
		if n := countRows(t, db.db, `SELECT count(*) FROM panel_sessions`); n != 0 {
			t.Errorf("%d session rows left, want 0", n)
		}
	})
}

func TestPanelSessionExpiry(t *testing.T) {
	setup := func(t *testing.T) (*DB, *fakeClock, User, string) {
		db := mustOpen(t)
		clock := newFakeClock()
		db.Now = clock.Now
		u := mustUser(t, db, "acme")
		return db, clock, u, mustCreateSession(t, db, u)
	}

	t.Run("ErrNotFoundIdle", func(t *testing.T) {
		db, clock, _, token := setup(t)
		clock.Advance(PanelSessionIdle + time.Second)
		if _, err := db.PanelSessionUser(t.Context(), token); !errors.Is(err, ErrNotFound) {
			t.Fatalf("PanelSessionUser after %v idle = %v, want ErrNotFound", PanelSessionIdle+time.Second, err)
		}
		// The expired session is gone for good, even if the clock went back.
		if n := countRows(t, db.db, `SELECT count(*) FROM panel_sessions`); n != 0 {
			t.Errorf("%d session rows after expiry, want 0", n)
		}
		clock.Advance(-PanelSessionIdle)
		if _, err := db.PanelSessionUser(t.Context(), token); !errors.Is(err, ErrNotFound) {
			t.Errorf("PanelSessionUser after expiry, clock turned back = %v, want ErrNotFound", err)
		}
	})
	t.Run("OKAtLimit", func(t *testing.T) {
		db, clock, u, token := setup(t)
		clock.Advance(PanelSessionIdle)
		if got, err := db.PanelSessionUser(t.Context(), token); err != nil || got != u {
			t.Errorf("PanelSessionUser after exactly %v = %+v, %v; want %+v", PanelSessionIdle, got, err, u)
		}
	})
	t.Run("OKKeptAlive", func(t *testing.T) {
		db, clock, u, token := setup(t)
		created := clock.Now()
		if got := lastSeen(t, db, token); !got.Equal(created) {
			t.Fatalf("last_seen = %v, want creation time %v", got, created)
		}
		step := PanelSessionIdle - time.Hour
		for i := 1; i <= 3; i++ {
			clock.Advance(step)
			got, err := db.PanelSessionUser(t.Context(), token)
			if err != nil || got != u {
				t.Fatalf("use %d, %v after creation: PanelSessionUser = %+v, %v; want %+v",
					i, time.Duration(i)*step, got, err, u)
			}
			if ls := lastSeen(t, db, token); !ls.Equal(clock.Now()) {
				t.Errorf("use %d: last_seen = %v, want it moved to %v", i, ls, clock.Now())
			}
		}
		// 3*11h after creation, and still valid because it was used. Now let it idle.
		clock.Advance(PanelSessionIdle + time.Nanosecond)
		if _, err := db.PanelSessionUser(t.Context(), token); !errors.Is(err, ErrNotFound) {
			t.Errorf("PanelSessionUser after idling = %v, want ErrNotFound", err)
		}
	})
	t.Run("LastSeenThrottled", func(t *testing.T) {
		// Uses within a minute of the last write don't write again.
		db, clock, _, token := setup(t)
		created := clock.Now()
		clock.Advance(30 * time.Second)
		if _, err := db.PanelSessionUser(t.Context(), token); err != nil {
			t.Fatalf("PanelSessionUser: %v", err)
		}
		if ls := lastSeen(t, db, token); !ls.Equal(created) {
			t.Errorf("last_seen = %v after a use within a minute, want unchanged %v", ls, created)
		}
		clock.Advance(time.Minute)
		if _, err := db.PanelSessionUser(t.Context(), token); err != nil {
			t.Fatalf("PanelSessionUser: %v", err)
		}
		if ls := lastSeen(t, db, token); !ls.Equal(clock.Now()) {
			t.Errorf("last_seen = %v, want %v", ls, clock.Now())
		}
	})
}
