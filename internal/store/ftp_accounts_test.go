package store

import (
	"errors"
	"testing"
)

// mustOpenWithCustomers opens a database holding customers acme and globex.
func mustOpenWithCustomers(t *testing.T) *DB {
	t.Helper()
	db := mustOpen(t)
	for _, c := range []string{"acme", "globex"} {
		if err := db.AddCustomer(t.Context(), c, customerPW); err != nil {
			t.Fatalf("AddCustomer(%q): %v", c, err)
		}
	}
	return db
}

func countFTPAccounts(t *testing.T, db *DB) int {
	t.Helper()
	return countRows(t, db.db, `SELECT count(*) FROM ftp_accounts`)
}

func TestAddFTPAccount(t *testing.T) { forEachStore(t, testAddFTPAccount) }

func testAddFTPAccount(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		db := mustOpenWithCustomers(t)
		if err := db.AddFTPAccount(t.Context(), "web1", "acme", ftpPW); err != nil {
			t.Fatalf("AddFTPAccount: %v", err)
		}
		if err := db.AddFTPAccount(t.Context(), "web2", "acme", ftpPW); err != nil {
			t.Fatalf("AddFTPAccount: %v", err)
		}
		if err := db.AddFTPAccount(t.Context(), "g1", "globex", ftpPW); err != nil {
			t.Fatalf("AddFTPAccount: %v", err)
		}
		if n := countFTPAccounts(t, db); n != 3 {
			t.Errorf("%d FTP accounts, want 3", n)
		}
		if n := countRows(t, db.db, `SELECT count(*) FROM ftp_accounts a JOIN customers c ON c.id = a.customer_id
			WHERE c.name = 'acme'`); n != 2 {
			t.Errorf("acme owns %d FTP accounts, want 2", n)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		db := mustOpenWithCustomers(t)
		err := db.AddFTPAccount(t.Context(), "web1", "nobody", ftpPW)
		if !errors.Is(err, ErrNotFound) {
			t.Fatalf("AddFTPAccount for an unknown customer = %v, want an error wrapping ErrNotFound", err)
		}
		if n := countFTPAccounts(t, db); n != 0 {
			t.Errorf("%d FTP accounts, want 0", n)
		}
	})
	t.Run("ErrNotFoundAdmin", func(t *testing.T) {
		// An admin is a panel user, not a customer.
		db := mustOpen(t)
		if err := db.AddAdmin(t.Context(), "root", adminPW); err != nil {
			t.Fatalf("AddAdmin: %v", err)
		}
		if err := db.AddFTPAccount(t.Context(), "web1", "root", ftpPW); !errors.Is(err, ErrNotFound) {
			t.Fatalf("AddFTPAccount for an admin = %v, want an error wrapping ErrNotFound", err)
		}
	})
	t.Run("ErrExists", func(t *testing.T) {
		db := mustOpenWithCustomers(t)
		if err := db.AddFTPAccount(t.Context(), "web1", "acme", ftpPW); err != nil {
			t.Fatalf("AddFTPAccount: %v", err)
		}
		for _, owner := range []string{"acme", "globex"} {
			err := db.AddFTPAccount(t.Context(), "web1", owner, "other-password")
			if !errors.Is(err, ErrExists) {
				t.Errorf("duplicate AddFTPAccount for %s = %v, want an error wrapping ErrExists", owner, err)
			}
		}
		if n := countFTPAccounts(t, db); n != 1 {
			t.Errorf("%d FTP accounts, want 1", n)
		}
		a, err := db.AuthenticateFTP(t.Context(), "web1", ftpPW)
		if err != nil || a != (FTPAccount{Login: "web1", Customer: "acme"}) {
			t.Errorf("AuthenticateFTP after duplicates = %+v, %v; want the original account", a, err)
		}
	})
	t.Run("BadLogin", func(t *testing.T) {
		db := mustOpenWithCustomers(t)
		for _, login := range []string{"", "Web", "..", "a/b", ".hidden"} {
			err := db.AddFTPAccount(t.Context(), login, "acme", ftpPW)
			if err == nil || errors.Is(err, ErrExists) || errors.Is(err, ErrNotFound) {
				t.Errorf("AddFTPAccount(%q) = %v, want a validation error", login, err)
			}
		}
		if n := countFTPAccounts(t, db); n != 0 {
			t.Errorf("%d FTP accounts, want 0", n)
		}
	})
	t.Run("WeakPassword", func(t *testing.T) {
		db := mustOpenWithCustomers(t)
		if err := db.AddFTPAccount(t.Context(), "web1", "acme", "short"); !errors.Is(err, ErrWeakPassword) {
			t.Fatalf("AddFTPAccount with a short password = %v, want ErrWeakPassword", err)
		}
		if n := countFTPAccounts(t, db); n != 0 {
			t.Errorf("%d FTP accounts, want 0", n)
		}
	})
}

func TestAuthenticateFTP(t *testing.T) {
	db := mustOpenWithCustomers(t)
	if err := db.AddFTPAccount(t.Context(), "web1", "acme", ftpPW); err != nil {
		t.Fatalf("AddFTPAccount: %v", err)
	}
	if err := db.AddFTPAccount(t.Context(), "g1", "globex", "globex-ftp-pw"); err != nil {
		t.Fatalf("AddFTPAccount: %v", err)
	}

	t.Run("OK", func(t *testing.T) {
		for _, tc := range []struct {
			login, pw string
			want      FTPAccount
		}{
			{"web1", ftpPW, FTPAccount{Login: "web1", Customer: "acme"}},
			{"g1", "globex-ftp-pw", FTPAccount{Login: "g1", Customer: "globex"}},
		} {
			got, err := db.AuthenticateFTP(t.Context(), tc.login, tc.pw)
			if err != nil {
				t.Fatalf("AuthenticateFTP(%q): %v", tc.login, err)
			}
			if got != tc.want {
				t.Errorf("AuthenticateFTP(%q) = %+v, want %+v", tc.login, got, tc.want)
			}
		}
	})
	for _, tc := range []struct{ name, login, pw string }{
		{"WrongPassword", "web1", "wrong-password"},
		{"OtherAccountsPassword", "web1", "globex-ftp-pw"},
		{"EmptyPassword", "web1", ""},
		{"UnknownLogin", "nobody", ftpPW},
		{"CustomerPanelLogin", "acme", customerPW}, // a panel login is not an FTP login
	} {
		t.Run("ErrBadCredentials/"+tc.name, func(t *testing.T) {
			got, err := db.AuthenticateFTP(t.Context(), tc.login, tc.pw)
			if !errors.Is(err, ErrBadCredentials) {
				t.Fatalf("AuthenticateFTP(%q, %q) = %v, want ErrBadCredentials", tc.login, tc.pw, err)
			}
			if got != (FTPAccount{}) {
				t.Errorf("account = %+v on failure, want zero", got)
			}
		})
	}
	t.Run("ErrBadCredentials/Disabled", func(t *testing.T) {
		db := mustOpenWithCustomers(t)
		if err := db.AddFTPAccount(t.Context(), "web1", "acme", ftpPW); err != nil {
			t.Fatalf("AddFTPAccount: %v", err)
		}
		if _, err := db.db.ExecContext(t.Context(), `UPDATE ftp_accounts SET disabled = 1 WHERE login = 'web1'`); err != nil {
			t.Fatal(err)
		}
		if _, err := db.AuthenticateFTP(t.Context(), "web1", ftpPW); !errors.Is(err, ErrBadCredentials) {
			t.Fatalf("AuthenticateFTP on a disabled account = %v, want ErrBadCredentials", err)
		}
	})
}

func TestDeleteFTPAccount(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		db := mustOpenWithCustomers(t)
		for _, login := range []string{"web1", "web2"} {
			if err := db.AddFTPAccount(t.Context(), login, "acme", ftpPW); err != nil {
				t.Fatalf("AddFTPAccount(%q): %v", login, err)
			}
		}
		if _, err := db.AuthenticateFTP(t.Context(), "web1", ftpPW); err != nil {
			t.Fatalf("AuthenticateFTP before delete: %v", err)
		}
		if err := db.DeleteFTPAccount(t.Context(), "web1"); err != nil {
			t.Fatalf("DeleteFTPAccount: %v", err)
		}
		if _, err := db.AuthenticateFTP(t.Context(), "web1", ftpPW); !errors.Is(err, ErrBadCredentials) {
			t.Errorf("AuthenticateFTP after delete = %v, want ErrBadCredentials", err)
		}
		// Only that account went.
		if a, err := db.AuthenticateFTP(t.Context(), "web2", ftpPW); err != nil || a.Login != "web2" {
			t.Errorf("AuthenticateFTP(web2) after deleting web1 = %+v, %v", a, err)
		}
		if !mustCustomerExists(t, db, "acme") {
			t.Error("deleting an FTP account removed its customer")
		}
		// The login can be created again, with a new password.
		if err := db.AddFTPAccount(t.Context(), "web1", "globex", "new-password"); err != nil {
			t.Fatalf("re-adding deleted login: %v", err)
		}
		if a, err := db.AuthenticateFTP(t.Context(), "web1", "new-password"); err != nil || a.Customer != "globex" {
			t.Errorf("AuthenticateFTP(re-added web1) = %+v, %v; want customer globex", a, err)
		}
		if _, err := db.AuthenticateFTP(t.Context(), "web1", ftpPW); !errors.Is(err, ErrBadCredentials) {
			t.Errorf("old password on re-added login = %v, want ErrBadCredentials", err)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		db := mustOpenWithCustomers(t)
		if err := db.DeleteFTPAccount(t.Context(), "nobody"); !errors.Is(err, ErrNotFound) {
			t.Errorf("DeleteFTPAccount(unknown) = %v, want an error wrapping ErrNotFound", err)
		}
		if err := db.AddFTPAccount(t.Context(), "web1", "acme", ftpPW); err != nil {
			t.Fatalf("AddFTPAccount: %v", err)
		}
		if err := db.DeleteFTPAccount(t.Context(), "web1"); err != nil {
			t.Fatalf("DeleteFTPAccount: %v", err)
		}
		if err := db.DeleteFTPAccount(t.Context(), "web1"); !errors.Is(err, ErrNotFound) {
			t.Errorf("second DeleteFTPAccount = %v, want an error wrapping ErrNotFound", err)
		}
	})
}
