package pgtest

import (
	"database/sql"
	"os"
	"syscall"
	"testing"
)

func TestMain(m *testing.M) {
	code := m.Run()
	Shutdown()
	os.Exit(code)
}

func query(t *testing.T, url string) (int, error) {
	t.Helper()
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	err = db.QueryRowContext(t.Context(), `SELECT 41 + 1`).Scan(&n)
	return n, err
}

func TestCluster(t *testing.T) {
	c, err := Start()
	if err == ErrNotInstalled {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	url, err := c.NewDatabase(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if n, err := query(t, url); err != nil || n != 42 {
		t.Fatalf("SELECT 41 + 1 = %d, %v", n, err)
	}
	other, err := c.NewDatabase(t.Context())
	if err != nil || other == url {
		t.Fatalf("a second database: %q, %v (the first: %q)", other, err, url)
	}

	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := query(t, url); err == nil {
		t.Fatal("the stopped server answered")
	}
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	if n, err := query(t, url); err != nil || n != 42 {
		t.Fatalf("after a restart: %d, %v", n, err)
	}

	pid := c.cmd.Process.Pid
	dir := c.dir
	if err := c.Remove(); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(pid, 0); err == nil {
		t.Errorf("postgres (pid %d) still runs after Remove", pid)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("the cluster's directory is still there: %v", err)
	}
}

func TestNewDatabase(t *testing.T) {
	url := NewDatabase(t)
	if n, err := query(t, url); err != nil || n != 42 {
		t.Fatalf("SELECT 41 + 1 = %d, %v", n, err)
	}
}
