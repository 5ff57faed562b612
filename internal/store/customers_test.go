package store

import (
	"errors"
	"testing"
	"time"
)

func TestCustomerList(t *testing.T) { forEachStore(t, testCustomerList) }

func testCustomerList(t *testing.T) {
	db := mustOpen(t)
	ctx := t.Context()
	if got, err := db.CustomerList(ctx); err != nil || len(got) != 0 {
		t.Fatalf("CustomerList of an empty database = %+v, %v", got, err)
	}
	for _, c := range []string{"zeta", "acme"} {
		if err := db.AddCustomer(ctx, c, customerPW); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.AddAdmin(ctx, "root", adminPW); err != nil {
		t.Fatal(err)
	}
	for _, login := range []string{"bob", "carol"} {
		if err := db.AddFTPAccount(ctx, login, "acme", ftpPW); err != nil {
			t.Fatal(err)
		}
	}
	got, err := db.CustomerList(ctx)
	if err != nil || len(got) != 2 {
		t.Fatalf("CustomerList = %+v, %v; want acme and zeta (and no admin)", got, err)
	}
	if got[0].Name != "acme" || got[0].Accounts != 2 || got[1].Name != "zeta" || got[1].Accounts != 0 {
		t.Errorf("CustomerList = %+v; want acme with 2 accounts, then zeta with none", got)
	}
	if got[0].CreatedAt.IsZero() {
		t.Errorf("acme's creation time is not read: %+v", got[0])
	}

	t.Run("OK", func(t *testing.T) {
		c, err := db.CustomerNamed(ctx, "acme")
		if err != nil || c != got[0] {
			t.Errorf("CustomerNamed(acme) = %+v, %v; want %+v", c, err, got[0])
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		for _, name := range []string{"nobody", "root"} { // an admin is no customer
			if c, err := db.CustomerNamed(ctx, name); !errors.Is(err, ErrNotFound) || c != (Customer{}) {
				t.Errorf("CustomerNamed(%q) = %+v, %v; want ErrNotFound", name, c, err)
			}
		}
	})
}

func TestDeleteCustomer(t *testing.T) { forEachStore(t, testDeleteCustomer) }

func testDeleteCustomer(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		db := mustOpen(t)
		ctx := t.Context()
		for _, c := range []string{"acme", "globex"} {
			if err := db.AddCustomer(ctx, c, customerPW); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.AddFTPAccount(ctx, "gina", "globex", ftpPW); err != nil {
			t.Fatal(err)
		}
		u, err := db.AuthenticatePanelUser(ctx, "acme", customerPW)
		if err != nil {
			t.Fatal(err)
		}
		cookie, err := db.CreateSignIn(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		token, _, err := db.CreateAPIToken(ctx, "acme", "")
		if err != nil {
			t.Fatal(err)
		}

		if err := db.DeleteCustomer(ctx, "acme"); err != nil {
			t.Fatalf("DeleteCustomer: %v", err)
		}
		if mustCustomerExists(t, db, "acme") {
			t.Error("acme is still a customer")
		}
		if _, err := db.AuthenticatePanelUser(ctx, "acme", customerPW); !errors.Is(err, ErrBadCredentials) {
			t.Errorf("acme still signs in to the panel: %v", err)
		}
		if _, err := db.SignedInUser(ctx, cookie); !errors.Is(err, ErrNotFound) {
			t.Errorf("acme's browser is still signed in: %v", err)
		}
		if _, err := db.APITokenUser(ctx, token); !errors.Is(err, ErrNotFound) {
			t.Errorf("acme's API token still works: %v", err)
		}
		if !mustCustomerExists(t, db, "globex") {
			t.Error("deleting acme deleted globex")
		}
		// The name is free again.
		if err := db.AddCustomer(ctx, "acme", customerPW); err != nil {
			t.Errorf("AddCustomer after the delete: %v", err)
		}
	})
	t.Run("ErrHasAccounts", func(t *testing.T) {
		db := mustOpen(t)
		ctx := t.Context()
		if err := db.AddCustomer(ctx, "acme", customerPW); err != nil {
			t.Fatal(err)
		}
		if err := db.AddFTPAccount(ctx, "bob", "acme", ftpPW); err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteCustomer(ctx, "acme"); !errors.Is(err, ErrHasAccounts) {
			t.Fatalf("DeleteCustomer of a customer with an account: %v, want ErrHasAccounts", err)
		}
		if !mustCustomerExists(t, db, "acme") {
			t.Error("the refused delete removed acme")
		}
		if _, err := db.AuthenticateFTP(ctx, "bob", ftpPW); err != nil {
			t.Errorf("the refused delete touched bob: %v", err)
		}
		if err := db.DeleteFTPAccount(ctx, "bob"); err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteCustomer(ctx, "acme"); err != nil {
			t.Errorf("DeleteCustomer once bob is gone: %v", err)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		db := mustOpen(t)
		if err := db.AddAdmin(t.Context(), "root", adminPW); err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"nobody", "root"} {
			if err := db.DeleteCustomer(t.Context(), name); !errors.Is(err, ErrNotFound) {
				t.Errorf("DeleteCustomer(%q) = %v, want ErrNotFound", name, err)
			}
		}
		if !mustHasAdmin(t, db) {
			t.Error("DeleteCustomer(root) deleted the admin")
		}
	})
}

func TestDeletedCustomerNameNotReused(t *testing.T) {
	forEachStore(t, testDeletedCustomerNameNotReused)
}

// A customer sees the history and audit rows under its name, and those rows
// outlive the customer: a new customer given a deleted one's name must not
// inherit them, so the name is refused while such rows exist.
func testDeletedCustomerNameNotReused(t *testing.T) {
	ctx := t.Context()
	for _, table := range []string{"history", "audit"} {
		t.Run(table, func(t *testing.T) {
			db := mustOpen(t)
			if err := db.AddCustomer(ctx, "acme", customerPW); err != nil {
				t.Fatal(err)
			}
			now := time.Now()
			var err error
			if table == "history" {
				err = db.RecordHistory(ctx, []HistoryEntry{{SessionID: "s1", FTPLogin: "bob", Customer: "acme",
					RemoteIP: "192.0.2.1", ConnectedAt: now, LoggedInAt: now, EndedAt: now, EndReason: "quit"}})
			} else {
				err = db.RecordAudit(ctx, AuditEntry{At: now, Actor: "root", Action: "disconnect", FTPLogin: "bob", Customer: "acme"})
			}
			if err != nil {
				t.Fatal(err)
			}
			// While acme lives, adding it again is a plain duplicate.
			if err := db.AddCustomer(ctx, "acme", customerPW); !errors.Is(err, ErrExists) {
				t.Errorf("AddCustomer(acme) while acme exists = %v, want ErrExists", err)
			}
			if err := db.DeleteCustomer(ctx, "acme"); err != nil {
				t.Fatal(err)
			}
			err = db.AddCustomer(ctx, "acme", customerPW)
			if !errors.Is(err, ErrNameKept) {
				t.Fatalf("AddCustomer(acme) after deleting the acme with %s rows = %v, want ErrNameKept", table, err)
			}
			if mustCustomerExists(t, db, "acme") {
				t.Error("the refused customer was created")
			}
			// A name without records is still free after a delete.
			if err := db.AddCustomer(ctx, "globex", customerPW); err != nil {
				t.Fatal(err)
			}
			if err := db.DeleteCustomer(ctx, "globex"); err != nil {
				t.Fatal(err)
			}
			if err := db.AddCustomer(ctx, "globex", customerPW); err != nil {
				t.Errorf("AddCustomer(globex) after deleting a globex without records = %v", err)
			}
		})
	}
}
