package store

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBackup(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		db := mustOpen(t)
		acme := mustUser(t, db, "acme")
		path := filepath.Join(t.TempDir(), "backup.db")
		if err := db.Backup(t.Context(), path); err != nil {
			t.Fatal(err)
		}
		// Written after the backup: not in it.
		if err := db.AddCustomer(t.Context(), "globex", customerPW); err != nil {
			t.Fatal(err)
		}
		copied := mustOpenFile(t, path)
		if got, err := copied.AuthenticatePanelUser(t.Context(), "acme", customerPW); err != nil || got != acme {
			t.Errorf("acme in the backup: %+v, %v", got, err)
		}
		if ok, err := copied.CustomerExists(t.Context(), "globex"); err != nil || ok {
			t.Errorf("the backup has globex, added after it (%v)", err)
		}
		if got := mustMigrations(t, copied); len(got) != len(wantMigrations) {
			t.Errorf("the backup's migrations: %q", got)
		}
	})
	t.Run("ErrFileExists", func(t *testing.T) {
		db := mustOpen(t)
		path := filepath.Join(t.TempDir(), "backup.db")
		if err := os.WriteFile(path, []byte("precious"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := db.Backup(t.Context(), path); err == nil || !strings.Contains(err.Error(), "exists") {
			t.Errorf("Backup over a file: %v, want an error saying it exists", err)
		}
		if b, _ := os.ReadFile(path); string(b) != "precious" {
			t.Error("Backup overwrote a file")
		}
	})
}
