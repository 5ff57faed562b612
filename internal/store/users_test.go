package store

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

func mustHasAdmin(t *testing.T, db *DB) bool {
	t.Helper()
	ok, err := db.HasAdmin(t.Context())
	if err != nil {
		t.Fatalf("HasAdmin: %v", err)
	}
	return ok
}

func mustCustomerExists(t *testing.T, db *DB, name string) bool {
	t.Helper()
	ok, err := db.CustomerExists(t.Context(), name)
	if err != nil {
		t.Fatalf("CustomerExists(%q): %v", name, err)
	}
	return ok
}

func TestAddAdmin(t *testing.T) { forEachStore(t, testAddAdmin) }

func testAddAdmin(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		db := mustOpen(t)
		if mustHasAdmin(t, db) {
			t.Fatal("HasAdmin() = true on an empty database")
		}
		if err := db.AddAdmin(t.Context(), "root", adminPW); err != nil {
			t.Fatalf("AddAdmin: %v", err)
		}
		if !mustHasAdmin(t, db) {
			t.Error("HasAdmin() = false after AddAdmin")
		}
		if mustCustomerExists(t, db, "root") {
			t.Error("an admin must not create a customer")
		}
	})
	t.Run("CustomerIsNotAdmin", func(t *testing.T) {
		db := mustOpen(t)
		if err := db.AddCustomer(t.Context(), "acme", customerPW); err != nil {
			t.Fatalf("AddCustomer: %v", err)
		}
		if mustHasAdmin(t, db) {
			t.Error("HasAdmin() = true with only a customer")
		}
	})
	t.Run("ErrExists", func(t *testing.T) {
		db := mustOpen(t)
		if err := db.AddAdmin(t.Context(), "root", adminPW); err != nil {
			t.Fatalf("AddAdmin: %v", err)
		}
		err := db.AddAdmin(t.Context(), "root", "another-password")
		if !errors.Is(err, ErrExists) {
			t.Fatalf("second AddAdmin = %v, want an error wrapping ErrExists", err)
		}
		// The first password still works, the second does not.
		if _, err := db.AuthenticatePanelUser(t.Context(), "root", adminPW); err != nil {
			t.Errorf("original password: %v", err)
		}
		if _, err := db.AuthenticatePanelUser(t.Context(), "root", "another-password"); !errors.Is(err, ErrBadCredentials) {
			t.Errorf("rejected duplicate's password: err = %v, want ErrBadCredentials", err)
		}
	})
	t.Run("ErrExistsCustomerName", func(t *testing.T) {
		db := mustOpen(t)
		if err := db.AddCustomer(t.Context(), "acme", customerPW); err != nil {
			t.Fatalf("AddCustomer: %v", err)
		}
		if err := db.AddAdmin(t.Context(), "acme", adminPW); !errors.Is(err, ErrExists) {
			t.Fatalf("AddAdmin over a customer's name = %v, want an error wrapping ErrExists", err)
		}
		if mustHasAdmin(t, db) {
			t.Error("HasAdmin() = true after a failed AddAdmin")
		}
	})
	t.Run("BadName", func(t *testing.T) {
		db := mustOpen(t)
		if err := db.AddAdmin(t.Context(), "Root", adminPW); err == nil {
			t.Fatal("AddAdmin with an invalid name succeeded")
		}
		if mustHasAdmin(t, db) {
			t.Error("HasAdmin() = true after a rejected AddAdmin")
		}
	})
	t.Run("WeakPassword", func(t *testing.T) {
		db := mustOpen(t)
		if err := db.AddAdmin(t.Context(), "root", "short"); !errors.Is(err, ErrWeakPassword) {
			t.Fatalf("AddAdmin with a short password = %v, want ErrWeakPassword", err)
		}
		if mustHasAdmin(t, db) {
			t.Error("HasAdmin() = true after a rejected AddAdmin")
		}
	})
}

func TestAddCustomer(t *testing.T) { forEachStore(t, testAddCustomer) }

func testAddCustomer(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		db := mustOpen(t)
		if mustCustomerExists(t, db, "acme") {
			t.Fatal("CustomerExists(acme) = true on an empty database")
		}
		if err := db.AddCustomer(t.Context(), "acme", customerPW); err != nil {
			t.Fatalf("AddCustomer: %v", err)
		}
		if !mustCustomerExists(t, db, "acme") {
			t.Error("CustomerExists(acme) = false after AddCustomer")
		}
		if mustCustomerExists(t, db, "other") {
			t.Error("CustomerExists(other) = true")
		}
		// The panel login was created with it.
		u, err := db.AuthenticatePanelUser(t.Context(), "acme", customerPW)
		if err != nil {
			t.Fatalf("AuthenticatePanelUser: %v", err)
		}
		if u.Role != RoleCustomer || u.Customer != "acme" {
			t.Errorf("user = %+v, want role customer of acme", u)
		}
	})
	t.Run("ErrExists", func(t *testing.T) {
		db := mustOpen(t)
		if err := db.AddCustomer(t.Context(), "acme", customerPW); err != nil {
			t.Fatalf("AddCustomer: %v", err)
		}
		if err := db.AddCustomer(t.Context(), "acme", "another-password"); !errors.Is(err, ErrExists) {
			t.Fatalf("second AddCustomer = %v, want an error wrapping ErrExists", err)
		}
		if n := countRows(t, db.db, `SELECT count(*) FROM customers`); n != 1 {
			t.Errorf("%d customer rows, want 1", n)
		}
		if n := countRows(t, db.db, `SELECT count(*) FROM panel_users`); n != 1 {
			t.Errorf("%d panel user rows, want 1", n)
		}
	})
	t.Run("ErrExistsAdminName", func(t *testing.T) {
		// The customer row would insert fine; the panel user clashes with the
		// admin. Neither may be left behind.
		db := mustOpen(t)
		if err := db.AddAdmin(t.Context(), "acme", adminPW); err != nil {
			t.Fatalf("AddAdmin: %v", err)
		}
		err := db.AddCustomer(t.Context(), "acme", customerPW)
		if !errors.Is(err, ErrExists) {
			t.Fatalf("AddCustomer over an admin's name = %v, want an error wrapping ErrExists", err)
		}
		if mustCustomerExists(t, db, "acme") {
			t.Error("CustomerExists(acme) = true: a half-created customer was left behind")
		}
		if n := countRows(t, db.db, `SELECT count(*) FROM customers`); n != 0 {
			t.Errorf("%d customer rows, want 0", n)
		}
		// The admin is untouched.
		u, err := db.AuthenticatePanelUser(t.Context(), "acme", adminPW)
		if err != nil {
			t.Fatalf("admin login after failed AddCustomer: %v", err)
		}
		if u.Role != RoleAdmin || u.Customer != "" {
			t.Errorf("user = %+v, want the admin", u)
		}
		// And the name can't be used for FTP accounts as if it were a customer.
		if err := db.AddFTPAccount(t.Context(), "web1", "acme", ftpPW); !errors.Is(err, ErrNotFound) {
			t.Errorf("AddFTPAccount for the failed customer = %v, want ErrNotFound", err)
		}
	})
	t.Run("BadName", func(t *testing.T) {
		db := mustOpen(t)
		for _, name := range []string{"", "Acme", "../etc", "a b"} {
			err := db.AddCustomer(t.Context(), name, customerPW)
			if err == nil || errors.Is(err, ErrExists) {
				t.Errorf("AddCustomer(%q) = %v, want a validation error", name, err)
			}
		}
		if n := countRows(t, db.db, `SELECT count(*) FROM customers`); n != 0 {
			t.Errorf("%d customer rows, want 0", n)
		}
	})
	t.Run("WeakPassword", func(t *testing.T) {
		db := mustOpen(t)
		if err := db.AddCustomer(t.Context(), "acme", "short"); !errors.Is(err, ErrWeakPassword) {
			t.Fatalf("AddCustomer with a short password = %v, want ErrWeakPassword", err)
		}
		if mustCustomerExists(t, db, "acme") {
			t.Error("CustomerExists(acme) = true after a rejected AddCustomer")
		}
	})
}

func TestAuthenticatePanelUser(t *testing.T) { forEachStore(t, testAuthenticatePanelUser) }

func testAuthenticatePanelUser(t *testing.T) {
	db := mustOpen(t)
	if err := db.AddAdmin(t.Context(), "root", adminPW); err != nil {
		t.Fatalf("AddAdmin: %v", err)
	}
	if err := db.AddCustomer(t.Context(), "acme", customerPW); err != nil {
		t.Fatalf("AddCustomer: %v", err)
	}

	t.Run("OKAdmin", func(t *testing.T) {
		u, err := db.AuthenticatePanelUser(t.Context(), "root", adminPW)
		if err != nil {
			t.Fatalf("AuthenticatePanelUser: %v", err)
		}
		if u.ID == 0 || u.Name != "root" || u.Role != RoleAdmin || u.Customer != "" || !u.IsAdmin() {
			t.Errorf("user = %+v (IsAdmin %v), want admin root with no customer", u, u.IsAdmin())
		}
	})
	t.Run("OKCustomer", func(t *testing.T) {
		u, err := db.AuthenticatePanelUser(t.Context(), "acme", customerPW)
		if err != nil {
			t.Fatalf("AuthenticatePanelUser: %v", err)
		}
		if u.ID == 0 || u.Name != "acme" || u.Role != RoleCustomer || u.Customer != "acme" || u.IsAdmin() {
			t.Errorf("user = %+v (IsAdmin %v), want customer acme", u, u.IsAdmin())
		}
	})
	for _, tc := range []struct{ name, user, pw string }{
		{"WrongPassword", "root", "wrong-password"},
		{"OtherUsersPassword", "root", customerPW},
		{"EmptyPassword", "acme", ""},
		{"UnknownUser", "nobody", adminPW},
		{"EmptyUser", "", adminPW},
		{"CaseMatters", "ROOT", adminPW},
	} {
		t.Run("ErrBadCredentials/"+tc.name, func(t *testing.T) {
			u, err := db.AuthenticatePanelUser(t.Context(), tc.user, tc.pw)
			if !errors.Is(err, ErrBadCredentials) {
				t.Fatalf("AuthenticatePanelUser(%q, %q) = %v, want ErrBadCredentials", tc.user, tc.pw, err)
			}
			if u != (User{}) {
				t.Errorf("user = %+v on failure, want the zero User", u)
			}
		})
	}
}

// TestPasswordsHashed looks at the file itself: no plaintext password anywhere,
// bcrypt hashes in the password columns.
func TestPasswordsHashed(t *testing.T) {
	path := tempDBPath(t)
	db := mustOpenFile(t, path)
	ctx := t.Context()
	if err := db.AddAdmin(ctx, "root", adminPW); err != nil {
		t.Fatalf("AddAdmin: %v", err)
	}
	if err := db.AddCustomer(ctx, "acme", customerPW); err != nil {
		t.Fatalf("AddCustomer: %v", err)
	}
	if err := db.AddFTPAccount(ctx, "web1", "acme", ftpPW); err != nil {
		t.Fatalf("AddFTPAccount: %v", err)
	}
	raw := openRaw(t, path)

	checkHashes := func(t *testing.T, query string, want map[string]string) {
		t.Helper()
		rows, err := raw.QueryContext(ctx, query)
		if err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		defer rows.Close()
		seen := 0
		for rows.Next() {
			var name, hash string
			if err := rows.Scan(&name, &hash); err != nil {
				t.Fatal(err)
			}
			seen++
			pw, ok := want[name]
			if !ok {
				t.Errorf("unexpected row %q", name)
				continue
			}
			for _, p := range []string{adminPW, customerPW, ftpPW} {
				if strings.Contains(hash, p) {
					t.Errorf("%s: stored hash %q contains the plaintext %q", name, hash, p)
				}
			}
			if !strings.HasPrefix(hash, "$2") {
				t.Errorf("%s: stored hash %q is not bcrypt", name, hash)
			}
			if err := bcrypt.CompareHashAndPassword([]byte(hash), []byte(pw)); err != nil {
				t.Errorf("%s: stored hash does not match the password: %v", name, err)
			}
			if cost, err := bcrypt.Cost([]byte(hash)); err != nil || cost != bcrypt.MinCost {
				t.Errorf("%s: bcrypt cost = %d, %v; want PasswordCost %d", name, cost, err, bcrypt.MinCost)
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		if seen != len(want) {
			t.Errorf("%d rows, want %d", seen, len(want))
		}
	}
	t.Run("PanelUsers", func(t *testing.T) {
		checkHashes(t, `SELECT name, password_hash FROM panel_users`,
			map[string]string{"root": adminPW, "acme": customerPW})
	})
	t.Run("FTPAccounts", func(t *testing.T) {
		checkHashes(t, `SELECT login, password_hash FROM ftp_accounts`,
			map[string]string{"web1": ftpPW})
	})
	t.Run("NotInFile", func(t *testing.T) {
		if err := db.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		for _, f := range []string{path, path + "-wal"} {
			data, err := os.ReadFile(f)
			if errors.Is(err, os.ErrNotExist) {
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range []string{adminPW, customerPW, ftpPW} {
				if bytes.Contains(data, []byte(p)) {
					t.Errorf("%s contains the plaintext password %q", f, p)
				}
			}
		}
	})
}

// TestUnknownUsersCostAsMuchAsKnownOnes: the dummy hash compared for an unknown
// user has the cost of the real hashes, even when they were made at another cost.
func TestUnknownUsersCostAsMuchAsKnownOnes(t *testing.T) {
	forEachStore(t, testUnknownUsersCostAsMuchAsKnownOnes)
}

func testUnknownUsersCostAsMuchAsKnownOnes(t *testing.T) {
	db := mustOpen(t)
	ctx := context.Background()
	db.PasswordCost = bcrypt.MinCost + 1
	if err := db.AddCustomer(ctx, "acme", "acme-password"); err != nil {
		t.Fatal(err)
	}
	if err := db.AddFTPAccount(ctx, "bob", "acme", "bob-password"); err != nil {
		t.Fatal(err)
	}
	db.PasswordCost = bcrypt.MinCost // a server started with another cost
	for _, table := range []passwordTable{panelUsers, ftpAccounts} {
		if cost, err := bcrypt.Cost(db.dummyHash(ctx, table)); err != nil || cost != bcrypt.MinCost+1 {
			t.Errorf("%s: dummy hash cost %d (%v), want %d", table, cost, err, bcrypt.MinCost+1)
		}
	}
}
