package store

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"slices"
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

func mustSignIn(t *testing.T, db *DB, u User) string {
	t.Helper()
	token, err := db.CreateSignIn(t.Context(), u.ID)
	if err != nil {
		t.Fatalf("CreateSignIn: %v", err)
	}
	return token
}

func lastSeen(t *testing.T, db *DB, token string) time.Time {
	t.Helper()
	var s string
	h := sha256.Sum256([]byte(token))
	if err := db.db.QueryRowContext(t.Context(), `SELECT last_seen FROM sign_ins WHERE token_hash = ?`, h[:]).Scan(&s); err != nil {
		t.Fatalf("read last_seen: %v", err)
	}
	ts, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatalf("last_seen %q: %v", s, err)
	}
	return ts
}

func TestSignIn(t *testing.T) { forEachStore(t, testSignIn) }

func testSignIn(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		db := mustOpen(t)
		for _, name := range []string{"root", "acme"} {
			u := mustUser(t, db, name)
			token := mustSignIn(t, db, u)
			if len(token) < 32 {
				t.Errorf("token %q is too short to be unguessable", token)
			}
			got, err := db.SignedInUser(t.Context(), token)
			if err != nil {
				t.Fatalf("SignedInUser(%s): %v", name, err)
			}
			if got != u {
				t.Errorf("SignedInUser = %+v, want %+v", got, u)
			}
		}
	})
	t.Run("TokensDiffer", func(t *testing.T) {
		db := mustOpen(t)
		u := mustUser(t, db, "root")
		a, b := mustSignIn(t, db, u), mustSignIn(t, db, u)
		if a == b {
			t.Fatalf("two sign-ins got the same token %q", a)
		}
		for _, tok := range []string{a, b} {
			if got, err := db.SignedInUser(t.Context(), tok); err != nil || got.Name != "root" {
				t.Errorf("SignedInUser = %+v, %v; want root", got, err)
			}
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		db := mustOpen(t)
		u := mustUser(t, db, "root")
		token := mustSignIn(t, db, u)
		for _, bad := range []string{"", "not-a-token", token[:len(token)-1], token + "x", strings.ToLower(token)} {
			if bad == token {
				continue
			}
			got, err := db.SignedInUser(t.Context(), bad)
			if !errors.Is(err, ErrNotFound) {
				t.Errorf("SignedInUser(%q) = %v, want ErrNotFound", bad, err)
			}
			if got != (User{}) {
				t.Errorf("SignedInUser(%q) user = %+v, want zero", bad, got)
			}
		}
	})
	t.Run("Delete", func(t *testing.T) {
		db := mustOpen(t)
		u := mustUser(t, db, "acme")
		keep := mustSignIn(t, db, u)
		token := mustSignIn(t, db, u)
		if err := db.EndSignIn(t.Context(), token); err != nil {
			t.Fatalf("EndSignIn: %v", err)
		}
		if _, err := db.SignedInUser(t.Context(), token); !errors.Is(err, ErrNotFound) {
			t.Errorf("SignedInUser after delete = %v, want ErrNotFound", err)
		}
		if got, err := db.SignedInUser(t.Context(), keep); err != nil || got != u {
			t.Errorf("other sign-in after delete = %+v, %v; want %+v", got, err, u)
		}
		// Signing out twice, or with an unknown token, is not an error.
		if err := db.EndSignIn(t.Context(), token); err != nil {
			t.Errorf("second EndSignIn: %v", err)
		}
		if n := countRows(t, db.db, `SELECT count(*) FROM sign_ins`); n != 1 {
			t.Errorf("%d sign-in rows, want 1", n)
		}
	})
	t.Run("TokenNotStored", func(t *testing.T) {
		db := mustOpen(t)
		u := mustUser(t, db, "root")
		token := mustSignIn(t, db, u)
		raw := db.db
		var (
			n                   int
			hash                []byte
			userID              int64
			created, lastSeenAt string
		)
		if err := raw.QueryRowContext(t.Context(), `SELECT count(*) FROM sign_ins`).Scan(&n); err != nil || n != 1 {
			t.Fatalf("sign-in rows = %d, %v; want 1", n, err)
		}
		if err := raw.QueryRowContext(t.Context(), `SELECT token_hash, user_id, created_at, last_seen FROM sign_ins`).
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
		// Sign-ins of a deleted panel user go with it (ON DELETE CASCADE needs
		// foreign_keys on).
		db := mustOpen(t)
		u := mustUser(t, db, "acme")
		token := mustSignIn(t, db, u)
		if _, err := db.db.ExecContext(t.Context(), `DELETE FROM customers WHERE name = 'acme'`); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SignedInUser(t.Context(), token); !errors.Is(err, ErrNotFound) {
			t.Errorf("SignedInUser after the customer was deleted = %v, want ErrNotFound", err)
		}
		if n := countRows(t, db.db, `SELECT count(*) FROM sign_ins`); n != 0 {
			t.Errorf("%d sign-in rows left, want 0", n)
		}
	})
}

func TestSignInExpiry(t *testing.T) { forEachStore(t, testSignInExpiry) }

func testSignInExpiry(t *testing.T) {
	setup := func(t *testing.T) (*DB, *fakeClock, User, string) {
		db := mustOpen(t)
		clock := newFakeClock()
		db.Now = clock.Now
		u := mustUser(t, db, "acme")
		return db, clock, u, mustSignIn(t, db, u)
	}

	t.Run("ErrNotFoundIdle", func(t *testing.T) {
		db, clock, _, token := setup(t)
		clock.Advance(SignInIdle + time.Second)
		if _, err := db.SignedInUser(t.Context(), token); !errors.Is(err, ErrNotFound) {
			t.Fatalf("SignedInUser after %v idle = %v, want ErrNotFound", SignInIdle+time.Second, err)
		}
		// The expired sign-in is gone for good, even if the clock went back.
		if n := countRows(t, db.db, `SELECT count(*) FROM sign_ins`); n != 0 {
			t.Errorf("%d sign-in rows after expiry, want 0", n)
		}
		clock.Advance(-SignInIdle)
		if _, err := db.SignedInUser(t.Context(), token); !errors.Is(err, ErrNotFound) {
			t.Errorf("SignedInUser after expiry, clock turned back = %v, want ErrNotFound", err)
		}
	})
	t.Run("OKAtLimit", func(t *testing.T) {
		db, clock, u, token := setup(t)
		clock.Advance(SignInIdle)
		if got, err := db.SignedInUser(t.Context(), token); err != nil || got != u {
			t.Errorf("SignedInUser after exactly %v = %+v, %v; want %+v", SignInIdle, got, err, u)
		}
	})
	t.Run("OKKeptAlive", func(t *testing.T) {
		db, clock, u, token := setup(t)
		created := clock.Now()
		if got := lastSeen(t, db, token); !got.Equal(created) {
			t.Fatalf("last_seen = %v, want creation time %v", got, created)
		}
		step := SignInIdle - time.Hour
		for i := 1; i <= 3; i++ {
			clock.Advance(step)
			got, err := db.SignedInUser(t.Context(), token)
			if err != nil || got != u {
				t.Fatalf("use %d, %v after creation: SignedInUser = %+v, %v; want %+v",
					i, time.Duration(i)*step, got, err, u)
			}
			if ls := lastSeen(t, db, token); !ls.Equal(clock.Now()) {
				t.Errorf("use %d: last_seen = %v, want it moved to %v", i, ls, clock.Now())
			}
		}
		// 3*11h after creation, and still valid because it was used. Now let it idle.
		clock.Advance(SignInIdle + time.Nanosecond)
		if _, err := db.SignedInUser(t.Context(), token); !errors.Is(err, ErrNotFound) {
			t.Errorf("SignedInUser after idling = %v, want ErrNotFound", err)
		}
	})
	t.Run("LastSeenThrottled", func(t *testing.T) {
		// Uses within a minute of the last write don't write again.
		db, clock, _, token := setup(t)
		created := clock.Now()
		clock.Advance(30 * time.Second)
		if _, err := db.SignedInUser(t.Context(), token); err != nil {
			t.Fatalf("SignedInUser: %v", err)
		}
		if ls := lastSeen(t, db, token); !ls.Equal(created) {
			t.Errorf("last_seen = %v after a use within a minute, want unchanged %v", ls, created)
		}
		clock.Advance(time.Minute)
		if _, err := db.SignedInUser(t.Context(), token); err != nil {
			t.Fatalf("SignedInUser: %v", err)
		}
		if ls := lastSeen(t, db, token); !ls.Equal(clock.Now()) {
			t.Errorf("last_seen = %v, want %v", ls, clock.Now())
		}
	})
}

// TestMigrationRenamesSignIns: a browser signed in before panel_sessions became
// sign_ins stays signed in after the upgrade, and the table keeps its index and
// its tie to the user.
func TestMigrationRenamesSignIns(t *testing.T) {
	path := tempDBPath(t)
	raw := openRawBefore(t, path, "0008")
	ctx := t.Context()
	exec := func(query string, args ...any) {
		t.Helper()
		if _, err := raw.ExecContext(ctx, query, args...); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
	}
	// What the release before wrote when acme signed in an hour ago.
	const token = "AN-EARLIER-RELEASES-COOKIE-TOKEN-0123456789"
	then := formatTime(time.Now().Add(-time.Hour))
	exec(`INSERT INTO customers (id, name, created_at) VALUES (1, 'acme', ?)`, then)
	exec(`INSERT INTO panel_users (id, name, password_hash, role, customer_id, created_at) VALUES (7, 'acme', 'x', 'customer', 1, ?)`, then)
	exec(`INSERT INTO panel_sessions (token_hash, user_id, created_at, last_seen) VALUES (?, 7, ?, ?)`, tokenHash(token), then, then)

	db := mustOpenFile(t, path)
	if got := mustMigrations(t, db); !slices.Equal(got, wantMigrations) {
		t.Fatalf("Migrations() = %q, want %q", got, wantMigrations)
	}
	u, err := db.SignedInUser(ctx, token)
	if err != nil || u.ID != 7 || u.Name != "acme" || u.Customer != "acme" {
		t.Fatalf("SignedInUser with the earlier cookie = %+v, %v; want acme still signed in", u, err)
	}
	// Using it moved last_seen: the row is written as well as read.
	if ls := lastSeen(t, db, token); time.Since(ls) > time.Minute {
		t.Errorf("last_seen = %v after a use, want now", ls)
	}

	var leftovers []string
	rows, err := raw.QueryContext(ctx, `SELECT type || ' ' || name FROM sqlite_master
		WHERE name LIKE '%panel_sessions%' OR sql LIKE '%panel_sessions%'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		leftovers = append(leftovers, s)
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	if len(leftovers) > 0 {
		t.Errorf("the schema still names panel_sessions: %q", leftovers)
	}
	if n := countRows(t, raw, `SELECT count(*) FROM pragma_index_list('sign_ins') WHERE name = 'sign_ins_user'`); n != 1 {
		t.Errorf("sign_ins has no index sign_ins_user")
	}

	// The sign-in still goes with its user.
	if _, err := db.db.ExecContext(ctx, `DELETE FROM customers WHERE name = 'acme'`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SignedInUser(ctx, token); !errors.Is(err, ErrNotFound) {
		t.Errorf("SignedInUser after the customer was deleted = %v, want ErrNotFound", err)
	}
	if n := countRows(t, raw, `SELECT count(*) FROM sign_ins`); n != 0 {
		t.Errorf("%d sign-in rows left with their user gone, want 0", n)
	}
}
