package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBackupAndRestore(t *testing.T) {
	t.Parallel()
	in := start(t)
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	in.ftpLogin("bob") // the server is busy while the backup is taken

	file := filepath.Join(t.TempDir(), "ftppanel-backup.db")
	out, err := in.cli("", "backup", file)
	if err != nil || !strings.Contains(out, "Backed up "+filepath.Join(in.data, "ftppanel.db")+" to "+file) {
		t.Fatalf("backup: %v\n%s", err, out)
	}
	in.mustFail("", []string{"backup", file}, "exists")
	missing := offline(t)
	missing.mustFail("", []string{"backup", filepath.Join(t.TempDir(), "x.db")}, "no database at")
	if _, err := os.Stat(missing.data); err == nil {
		t.Error("a backup of a missing database created the data directory")
	}

	// Restored as the README says: the copy becomes DATA/ftppanel.db of a server.
	restored := t.TempDir()
	copyFile(t, file, filepath.Join(restored, "ftppanel.db"))
	again := startIn(t, restored)
	if again.adminPW != "" {
		t.Error("the restored server made a new admin: the backup lost the old one")
	}
	again.signIn("acme", "acme-password")
	if c := again.ftpLogin("bob"); c.NoOp() != nil {
		t.Error("bob cannot use FTP on the restored server")
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o600); err != nil {
		t.Fatal(err)
	}
}
