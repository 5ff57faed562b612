package store

import (
	"errors"
	"testing"
)

func TestSetUserLanguage(t *testing.T) { forEachStore(t, testSetUserLanguage) }

func testSetUserLanguage(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		db := mustOpen(t)
		if err := db.AddAdmin(t.Context(), "root", adminPW); err != nil {
			t.Fatal(err)
		}
		u, err := db.AuthenticatePanelUser(t.Context(), "root", adminPW)
		if err != nil {
			t.Fatal(err)
		}
		if u.Language != "" {
			t.Fatalf("a new user's language = %q, want none", u.Language)
		}
		if err := db.SetUserLanguage(t.Context(), u.ID, "pt-BR"); err != nil {
			t.Fatal(err)
		}
		// Remembered across sign-ins: a new browser gets it with the user.
		token, err := db.CreateSignIn(t.Context(), u.ID)
		if err != nil {
			t.Fatal(err)
		}
		got, err := db.SignedInUser(t.Context(), token)
		if err != nil {
			t.Fatal(err)
		}
		if got.Language != "pt-BR" {
			t.Fatalf("SignedInUser().Language = %q, want pt-BR", got.Language)
		}
		if err := db.SetUserLanguage(t.Context(), u.ID, ""); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.AuthenticatePanelUser(t.Context(), "root", adminPW); got.Language != "" {
			t.Fatalf("language after clearing = %q, want none", got.Language)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		db := mustOpen(t)
		if err := db.SetUserLanguage(t.Context(), 999, "de"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("SetUserLanguage(unknown) = %v, want ErrNotFound", err)
		}
	})
}
