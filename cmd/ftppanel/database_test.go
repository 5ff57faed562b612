package main

import (
	"net"
	"strings"
	"testing"
)

func TestDatabaseOption(t *testing.T) {
	t.Parallel()
	const url = "postgres://ftppanel:s3cret-pw@db.example:5432/ftppanel?sslmode=verify-full"
	const shown = `"postgres://ftppanel:xxxxx@db.example:5432/ftppanel?sslmode=verify-full"`
	t.Run("EnvironmentAndMaskedPassword", func(t *testing.T) {
		out, _, err := runCmd(t, envMap(map[string]string{"FTPPANEL_DATABASE": url}), "serve", "--print-config")
		if err != nil {
			t.Fatal(err)
		}
		if got := printedConfig(t, out)["database"]; got != [2]string{shown, "FTPPANEL_DATABASE"} {
			t.Errorf("database: printed %q, want %s from FTPPANEL_DATABASE", got, shown)
		}
		if strings.Contains(out, "s3cret-pw") {
			t.Errorf("--print-config shows the database password:\n%s", out)
		}
	})
	t.Run("ConfigFile", func(t *testing.T) {
		file := writeConfig(t, `database = "`+url+`"`)
		out, _, err := runCmd(t, testEnv, "serve", "--config", file, "--print-config")
		if err != nil {
			t.Fatal(err)
		}
		if got := printedConfig(t, out)["database"]; got != [2]string{shown, "config file " + file} {
			t.Errorf("database: printed %q, want %s from the config file", got, shown)
		}
	})
	t.Run("Default", func(t *testing.T) {
		out, _, err := runCmd(t, testEnv, "serve", "--print-config")
		if err != nil {
			t.Fatal(err)
		}
		if got := printedConfig(t, out)["database"]; got != [2]string{`""`, "default"} {
			t.Errorf("database: printed %q, want empty by default", got)
		}
	})
	t.Run("EveryStoreCommandTakesIt", func(t *testing.T) {
		for _, args := range [][]string{
			{"admin", "add", "--help"}, {"customer", "passwd", "--help"}, {"ftp-user", "delete", "--help"},
			{"token", "--help"}, {"login-link", "--help"}, {"backup", "--help"}, {"store", "copy", "--help"}, {"serve", "--help"},
		} {
			_, stderr, err := runCmd(t, testEnv, args...)
			if err != nil || !strings.Contains(stderr, "-database URL") {
				t.Errorf("ftppanel %q: %v; want --database in the help:\n%s", args, err, stderr)
			}
		}
	})
}

func TestBackupRefusesPostgreSQL(t *testing.T) {
	t.Parallel()
	_, _, err := runCmd(t, testEnv, "backup", t.TempDir()+"/copy.db", "--data", t.TempDir(),
		"--database", "postgres://ftppanel@127.0.0.1:1/ftppanel")
	if err == nil || err.Error() != "the store is PostgreSQL: back it up with pg_dump" {
		t.Errorf("backup of a PostgreSQL store: %v, want a refusal naming pg_dump", err)
	}
}

func TestUnreachableDatabaseNamesTheHostNotThePassword(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	_, _, err = runCmd(t, testEnv, "token", "list", "acme", "--data", t.TempDir(),
		"--database", "postgres://ftppanel:s3cret-pw@"+addr+"/ftppanel?sslmode=disable")
	if err == nil || !strings.Contains(err.Error(), "PostgreSQL at "+addr) || strings.Contains(err.Error(), "s3cret-pw") {
		t.Errorf("token list on a closed port: %v; want an error naming %s, without the password", err, addr)
	}
}
