package store

import (
	"context"
	"database/sql"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/ftppanel/ftppanel/internal/pgtest"
	"github.com/ftppanel/ftppanel/migrations"
)

// Passwords used throughout the tests; all pass ValidatePassword.
const (
	adminPW    = "admin-secret-1"
	customerPW = "customer-secret-2"
	ftpPW      = "ftp-secret-3"
)

// tempDBPath returns the path of a not yet existing database file in t.TempDir().
func tempDBPath(t *testing.T) string {
	t.Helper()
	return filepath.Join(t.TempDir(), "ftppanel.db")
}

func TestMain(m *testing.M) {
	code := m.Run()
	pgtest.Shutdown()
	os.Exit(code)
}

// forEachStore runs test once on each kind of store, as the subtests "sqlite" and
// "postgres": mustOpen, within them, opens a store of that kind.
func forEachStore(t *testing.T, test func(t *testing.T)) {
	t.Run("sqlite", test)
	t.Run("postgres", test)
}

// storeKind is the kind of store the test runs on: the forEachStore subtest it is
// in, or SQLite outside them.
func storeKind(t testing.TB) string {
	if parts := strings.Split(t.Name(), "/"); len(parts) > 1 && parts[1] == "postgres" {
		return "postgres"
	}
	return "sqlite"
}

// freshStore returns the database URL and data directory of a new, empty store
// of the kind the test runs on, for OpenURL.
func freshStore(t testing.TB) (databaseURL, dataDir string) {
	t.Helper()
	if storeKind(t) == "postgres" {
		return pgtest.NewDatabase(t), t.TempDir()
	}
	return "", t.TempDir()
}

// mustOpen opens a fresh store of the kind the test runs on (a file in
// t.TempDir() outside forEachStore) and closes it when the test ends.
func mustOpen(t *testing.T) *DB {
	t.Helper()
	databaseURL, dir := freshStore(t)
	return mustOpenURL(t, databaseURL, dir)
}

// mustOpenFile opens the SQLite database at path (see mustOpenURL).
func mustOpenFile(t *testing.T, path string) *DB {
	t.Helper()
	return mustOpenURL(t, "", path)
}

// mustOpenURL opens the store OpenURL names, or the SQLite file path when
// databaseURL is empty, with the cheapest bcrypt cost (bcrypt is very slow under
// -race), and closes it when the test ends. Closing twice is fine.
func mustOpenURL(t testing.TB, databaseURL, path string) *DB {
	t.Helper()
	var db *DB
	var err error
	if databaseURL == "" {
		if filepath.Ext(path) != ".db" { // a data directory
			path = filepath.Join(path, DatabaseFile)
		}
		db, err = Open(t.Context(), path)
	} else {
		db, err = OpenURL(t.Context(), databaseURL, path)
	}
	if err != nil {
		t.Fatalf("open the %s store: %v", storeKind(t), err)
	}
	if storeKind(t) == "postgres" && !db.Shared() {
		db.Close()
		t.Fatalf("opened a %s store in a %s test", db.Dialect(), storeKind(t))
	}
	db.PasswordCost = bcrypt.MinCost
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return db
}

// openRaw opens the database file directly through the sqlite driver, bypassing
// the store, to look at what is really written.
func openRaw(t *testing.T, path string) *sql.DB {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatalf("open raw %q: %v", path, err)
	}
	t.Cleanup(func() { raw.Close() })
	return raw
}

// openRawBefore builds the database at path as a release before migration
// version left it (every migration named before it applied, through the sqlite
// driver), to test upgrades; it returns the raw connection.
func openRawBefore(t *testing.T, path, version string) *sql.DB {
	t.Helper()
	raw := openRaw(t, path)
	exec := func(query string, args ...any) {
		t.Helper()
		if _, err := raw.ExecContext(t.Context(), query, args...); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
	}
	exec(`CREATE TABLE schema_migrations (version TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`)
	names, err := fs.Glob(migrations.FS, "*.sql")
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(names)
	for _, name := range names {
		if name >= version {
			break
		}
		body, err := fs.ReadFile(migrations.FS, name)
		if err != nil {
			t.Fatal(err)
		}
		exec(string(body))
		exec(`INSERT INTO schema_migrations (version, applied_at) VALUES (?, '')`, strings.TrimSuffix(name, ".sql"))
	}
	return raw
}

// fakeClock is an injectable DB.Now. It is only used from the test goroutine.
type fakeClock struct{ now time.Time }

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time          { return c.now }
func (c *fakeClock) Advance(d time.Duration) { c.now = c.now.Add(d) }

func mustMigrations(t *testing.T, db *DB) []string {
	t.Helper()
	got, err := db.Migrations(t.Context())
	if err != nil {
		t.Fatalf("Migrations: %v", err)
	}
	return got
}

var wantMigrations = []string{"0001_initial", "0002_session_history", "0003_api_tokens", "0004_bans", "0005_login_links", "0006_account_changes", "0007_one_ban_per_address", "0008_sign_ins", "0009_account_changes_by_login", "0010_node_of_rows", "0011_account_rate_limits", "0012_user_language"}

var wantTables = []string{"api_tokens", "audit_log", "bans", "customers", "ftp_account_changes", "ftp_accounts", "login_links", "panel_users", "schema_migrations", "session_history", "sign_ins"}

func tableNames(t *testing.T, raw *sql.DB) []string {
	t.Helper()
	rows, err := raw.QueryContext(t.Context(),
		`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
	if err != nil {
		t.Fatalf("list tables: %v", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func countRows(t *testing.T, raw interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, query string, args ...any) int {
	t.Helper()
	var n int
	if err := raw.QueryRowContext(t.Context(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func TestOpen(t *testing.T) {
	t.Run("MigratesEmpty", func(t *testing.T) {
		path := tempDBPath(t)
		db := mustOpenFile(t, path)
		if got := mustMigrations(t, db); !slices.Equal(got, wantMigrations) {
			t.Errorf("Migrations() = %q, want %q", got, wantMigrations)
		}
		if got := tableNames(t, openRaw(t, path)); !slices.Equal(got, wantTables) {
			t.Errorf("tables = %q, want %q", got, wantTables)
		}
		if err := db.Ping(t.Context()); err != nil {
			t.Errorf("Ping: %v", err)
		}
	})

	t.Run("SettingsApplied", func(t *testing.T) {
		db := mustOpen(t)
		var mode string
		if err := db.db.QueryRowContext(t.Context(), `PRAGMA journal_mode`).Scan(&mode); err != nil {
			t.Fatal(err)
		}
		if mode != "wal" {
			t.Errorf("journal_mode = %q, want wal", mode)
		}
		var fk int
		if err := db.db.QueryRowContext(t.Context(), `PRAGMA foreign_keys`).Scan(&fk); err != nil {
			t.Fatal(err)
		}
		if fk != 1 {
			t.Errorf("foreign_keys = %d, want 1", fk)
		}
	})

	t.Run("ReopenIdempotent", func(t *testing.T) {
		path := tempDBPath(t)
		first := mustOpenFile(t, path)
		if err := first.AddAdmin(t.Context(), "root", adminPW); err != nil {
			t.Fatalf("AddAdmin: %v", err)
		}
		if err := first.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		for i := range 2 {
			db := mustOpenFile(t, path)
			if got := mustMigrations(t, db); !slices.Equal(got, wantMigrations) {
				t.Errorf("open #%d: Migrations() = %q, want %q", i+2, got, wantMigrations)
			}
			ok, err := db.HasAdmin(t.Context())
			if err != nil || !ok {
				t.Errorf("open #%d: HasAdmin() = %v, %v; want true, nil (data must survive reopen)", i+2, ok, err)
			}
			if err := db.Close(); err != nil {
				t.Fatalf("Close: %v", err)
			}
		}
		raw := openRaw(t, path)
		if n := countRows(t, raw, `SELECT count(*) FROM schema_migrations`); n != len(wantMigrations) {
			t.Errorf("schema_migrations has %d rows, want %d", n, len(wantMigrations))
		}
	})

	t.Run("ConcurrentHandles", func(t *testing.T) {
		// The server and the CLI open the same file at the same time; a fresh file
		// is the worst case, as both race to create the schema. Repeat to give the
		// race a chance to show.
		for round := range 20 {
			path := tempDBPath(t)
			var (
				wg    sync.WaitGroup
				start = make(chan struct{})
				dbs   [2]*DB
				errs  [2]error
			)
			for i := range dbs {
				wg.Go(func() {
					<-start
					dbs[i], errs[i] = Open(t.Context(), path)
				})
			}
			close(start)
			wg.Wait()
			for i, db := range dbs {
				if errs[i] != nil {
					t.Fatalf("round %d: Open #%d: %v", round, i, errs[i])
				}
				db.PasswordCost = bcrypt.MinCost
				t.Cleanup(func() { db.Close() })
				if got := mustMigrations(t, db); !slices.Equal(got, wantMigrations) {
					t.Errorf("round %d: handle %d: Migrations() = %q, want %q", round, i, got, wantMigrations)
				}
			}
			a, b := dbs[0], dbs[1]
			// A write through one handle is visible through the other.
			if err := a.AddAdmin(t.Context(), "root", adminPW); err != nil {
				t.Fatalf("round %d: AddAdmin via a: %v", round, err)
			}
			if ok, err := b.HasAdmin(t.Context()); err != nil || !ok {
				t.Errorf("round %d: HasAdmin via b = %v, %v; want true, nil", round, ok, err)
			}
			if err := b.AddCustomer(t.Context(), "acme", customerPW); err != nil {
				t.Fatalf("round %d: AddCustomer via b: %v", round, err)
			}
			if ok, err := a.CustomerExists(t.Context(), "acme"); err != nil || !ok {
				t.Errorf("round %d: CustomerExists via a = %v, %v; want true, nil", round, ok, err)
			}
		}
	})

	t.Run("ConcurrentWrites", func(t *testing.T) {
		// Two handles writing at once must not fail with SQLITE_BUSY.
		path := tempDBPath(t)
		a := mustOpenFile(t, path)
		b := mustOpenFile(t, path)
		const n = 10
		var wg sync.WaitGroup
		errs := make(chan error, 2*n)
		for _, db := range []*DB{a, b} {
			wg.Go(func() {
				for range n {
					errs <- db.RecordAudit(t.Context(), AuditEntry{Actor: "root", Action: "test"})
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Errorf("RecordAudit: %v", err)
			}
		}
		got, err := a.AuditEntries(t.Context(), 100)
		if err != nil {
			t.Fatalf("AuditEntries: %v", err)
		}
		if len(got) != 2*n {
			t.Errorf("AuditEntries returned %d entries, want %d", len(got), 2*n)
		}
	})
}
