package store

import (
	"errors"
	"testing"
)

func TestChangePanelPassword(t *testing.T) { forEachStore(t, testChangePanelPassword) }

func testChangePanelPassword(t *testing.T) {
	const newPW = "a-new-password-9"
	setup := func(t *testing.T) (db *DB, acme User, current, other string, root string) {
		db = mustOpen(t)
		acme = mustUser(t, db, "acme")
		current, other = mustSignIn(t, db, acme), mustSignIn(t, db, acme)
		root = mustSignIn(t, db, mustUser(t, db, "root"))
		return db, acme, current, other, root
	}
	t.Run("OK", func(t *testing.T) {
		db, acme, current, other, root := setup(t)
		ended, err := db.ChangePanelPassword(t.Context(), acme.ID, customerPW, newPW, current)
		if err != nil || ended != 1 {
			t.Fatalf("ChangePanelPassword = %d, %v; want 1 other sign-in ended", ended, err)
		}
		if _, err := db.AuthenticatePanelUser(t.Context(), "acme", newPW); err != nil {
			t.Errorf("the new password does not sign in: %v", err)
		}
		if _, err := db.AuthenticatePanelUser(t.Context(), "acme", customerPW); !errors.Is(err, ErrBadCredentials) {
			t.Errorf("the old password still signs in: %v", err)
		}
		if u, err := db.SignedInUser(t.Context(), current); err != nil || u != acme {
			t.Errorf("the browser that changed it was signed out: %+v, %v", u, err)
		}
		if _, err := db.SignedInUser(t.Context(), other); !errors.Is(err, ErrNotFound) {
			t.Errorf("acme's other browser is still signed in: %v", err)
		}
		if u, err := db.SignedInUser(t.Context(), root); err != nil || u.Name != "root" {
			t.Errorf("another user's browser was signed out: %+v, %v", u, err)
		}
	})
	t.Run("ErrBadCredentials", func(t *testing.T) {
		db, acme, current, other, _ := setup(t)
		if _, err := db.ChangePanelPassword(t.Context(), acme.ID, "not-the-password", newPW, current); !errors.Is(err, ErrBadCredentials) {
			t.Fatalf("with a wrong current password = %v, want ErrBadCredentials", err)
		}
		if _, err := db.AuthenticatePanelUser(t.Context(), "acme", customerPW); err != nil {
			t.Errorf("the password changed anyway: %v", err)
		}
		if _, err := db.SignedInUser(t.Context(), other); err != nil {
			t.Errorf("a browser was signed out anyway: %v", err)
		}
	})
	t.Run("ErrWeakPassword", func(t *testing.T) {
		db, acme, current, _, _ := setup(t)
		if _, err := db.ChangePanelPassword(t.Context(), acme.ID, customerPW, "short", current); !errors.Is(err, ErrWeakPassword) {
			t.Fatalf("a short new password = %v, want ErrWeakPassword", err)
		}
		if _, err := db.AuthenticatePanelUser(t.Context(), "acme", customerPW); err != nil {
			t.Errorf("the password changed anyway: %v", err)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		db := mustOpen(t)
		if _, err := db.ChangePanelPassword(t.Context(), 42, customerPW, newPW, ""); !errors.Is(err, ErrNotFound) {
			t.Fatalf("for an unknown user = %v, want ErrNotFound", err)
		}
	})
}

func TestSetPanelPassword(t *testing.T) { forEachStore(t, testSetPanelPassword) }

func testSetPanelPassword(t *testing.T) {
	const newPW = "a-new-password-9"
	db := mustOpen(t)
	acme := mustUser(t, db, "acme")
	a, b := mustSignIn(t, db, acme), mustSignIn(t, db, acme)
	root := mustSignIn(t, db, mustUser(t, db, "root"))

	t.Run("ErrNotFound", func(t *testing.T) {
		for _, c := range []struct {
			name string
			role Role
		}{{"acme", RoleAdmin}, {"root", RoleCustomer}, {"nobody", RoleAdmin}, {"nobody", RoleCustomer}} {
			if _, err := db.SetPanelPassword(t.Context(), c.name, c.role, newPW); !errors.Is(err, ErrNotFound) {
				t.Errorf("SetPanelPassword(%s as %s) = %v, want ErrNotFound", c.name, c.role, err)
			}
		}
		if _, err := db.AuthenticatePanelUser(t.Context(), "acme", customerPW); err != nil {
			t.Errorf("acme's password changed: %v", err)
		}
	})
	t.Run("OK", func(t *testing.T) {
		ended, err := db.SetPanelPassword(t.Context(), "acme", RoleCustomer, newPW)
		if err != nil || ended != 2 {
			t.Fatalf("SetPanelPassword = %d, %v; want both of acme's sign-ins ended", ended, err)
		}
		if _, err := db.AuthenticatePanelUser(t.Context(), "acme", newPW); err != nil {
			t.Errorf("the new password does not sign in: %v", err)
		}
		for _, tok := range []string{a, b} {
			if _, err := db.SignedInUser(t.Context(), tok); !errors.Is(err, ErrNotFound) {
				t.Errorf("an acme browser is still signed in: %v", err)
			}
		}
		if _, err := db.SignedInUser(t.Context(), root); err != nil {
			t.Errorf("root was signed out: %v", err)
		}
	})
}
