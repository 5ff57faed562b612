package store

import (
	"database/sql"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ftppanel/ftppanel/internal/pgtest"
	"golang.org/x/crypto/bcrypt"
)

func TestOpenPostgres(t *testing.T) {
	t.Run("MigratesEmpty", func(t *testing.T) {
		db := mustOpenURL(t, pgtest.NewDatabase(t), t.TempDir())
		if db.Dialect() != "postgres" || !db.Shared() {
			t.Errorf("Dialect() = %q, Shared() = %v; want postgres, true", db.Dialect(), db.Shared())
		}
		if got := mustMigrations(t, db); !slices.Equal(got, wantMigrations) {
			t.Errorf("Migrations() = %q, want %q", got, wantMigrations)
		}
		rows, err := db.db.QueryContext(t.Context(),
			`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var tables []string
		for rows.Next() {
			var name string
			if err := rows.Scan(&name); err != nil {
				t.Fatal(err)
			}
			tables = append(tables, name)
		}
		if !slices.Equal(tables, wantTables) {
			t.Errorf("tables = %q, want %q", tables, wantTables)
		}
	})

	t.Run("ConcurrentHandles", func(t *testing.T) {
		// Nodes starting together on a new database migrate it one at a time.
		for round := range 5 {
			url := pgtest.NewDatabase(t)
			var (
				wg    sync.WaitGroup
				start = make(chan struct{})
				dbs   [3]*DB
				errs  [3]error
			)
			for i := range dbs {
				wg.Go(func() {
					<-start
					dbs[i], errs[i] = OpenURL(t.Context(), url, t.TempDir())
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
			if err := dbs[0].AddCustomer(t.Context(), "acme", customerPW); err != nil {
				t.Fatal(err)
			}
			if ok, err := dbs[2].CustomerExists(t.Context(), "acme"); err != nil || !ok {
				t.Errorf("round %d: CustomerExists via another handle = %v, %v", round, ok, err)
			}
		}
	})

	t.Run("BansFromTwoNodes", func(t *testing.T) {
		// Two nodes banning one address at once: one ban in force, extended, never two
		// (SQLite's single writer orders them; PostgreSQL runs them SERIALIZABLE).
		url := pgtest.NewDatabase(t)
		a := mustOpenURL(t, url, t.TempDir())
		b := mustOpenURL(t, url, t.TempDir())
		addr := netip.MustParseAddr("192.0.2.7")
		now := time.Now()
		var wg sync.WaitGroup
		errs := make(chan error, 40)
		for _, db := range []*DB{a, b} {
			wg.Go(func() {
				for i := range 20 {
					_, err := db.AddBan(t.Context(), Ban{IP: addr.String(), CreatedBy: "root",
						Until: now.Add(time.Hour + time.Duration(i)*time.Second)})
					errs <- err
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatalf("AddBan: %v", err)
			}
		}
		if n := countRows(t, a.db, `SELECT count(*) FROM bans WHERE ip = ? AND lifted_at = ''`, addr.String()); n != 1 {
			t.Errorf("%d bans in force on one address, want 1", n)
		}
	})

	t.Run("BackupRefused", func(t *testing.T) {
		db := mustOpenURL(t, pgtest.NewDatabase(t), t.TempDir())
		err := db.Backup(t.Context(), t.TempDir()+"/backup.db")
		if err == nil || err.Error() != "the store is PostgreSQL: back it up with pg_dump" {
			t.Errorf("Backup = %v, want a refusal naming pg_dump", err)
		}
	})

	t.Run("ErrUnreachableNamesHostNotPassword", func(t *testing.T) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close() // nothing listens there now
		_, err = OpenURL(t.Context(), "postgres://ftppanel:s3cret-pw@"+addr+"/ftppanel?sslmode=disable", t.TempDir())
		if err == nil {
			t.Fatal("OpenURL of a closed port succeeded")
		}
		if !strings.Contains(err.Error(), addr) || strings.Contains(err.Error(), "s3cret-pw") {
			t.Errorf("error %q: want the host %s and not the password", err, addr)
		}
	})

	t.Run("ErrWrongPasswordHidesIt", func(t *testing.T) {
		c := pgtest.Shared(t)
		db := mustOpenURL(t, pgtest.NewDatabase(t), t.TempDir())
		if _, err := db.db.ExecContext(t.Context(), `CREATE ROLE node LOGIN PASSWORD 'right-pw'`); err != nil {
			t.Fatal(err)
		}
		// The test cluster trusts every local connection: a wrong password is not
		// refused there, so the failure looked at is an unknown database.
		url := fmt.Sprintf("postgres://node:wr0ng-pw@127.0.0.1:%d/nosuchdb?sslmode=disable", c.Port())
		_, err := OpenURL(t.Context(), url, t.TempDir())
		if err == nil || strings.Contains(err.Error(), "wr0ng-pw") || !strings.Contains(err.Error(), "127.0.0.1") {
			t.Errorf("error %v: want one naming the host, without the password", err)
		}
	})
}

func TestNewerSchemaRefused(t *testing.T) { forEachStore(t, testNewerSchemaRefused) }

func testNewerSchemaRefused(t *testing.T) {
	databaseURL, dir := freshStore(t)
	db := mustOpenURL(t, databaseURL, dir)
	if _, err := db.db.ExecContext(t.Context(), `INSERT INTO schema_migrations (version, applied_at) VALUES ('0012_from_the_future', '')`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	again, err := OpenURL(t.Context(), databaseURL, dir)
	if err == nil {
		again.Close()
		t.Fatal("opened a database whose schema is newer than this binary knows")
	}
	known, _, _ := strings.Cut(wantMigrations[len(wantMigrations)-1], "_")
	want := "the database schema is at 0012, newer than this ftppanel (" + known + ") knows: upgrade this node"
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error %q, want it to say %q", err, want)
	}
}

func TestOpenURL(t *testing.T) {
	t.Run("SQLiteByDefault", func(t *testing.T) {
		dir := t.TempDir()
		for _, url := range []string{"", "sqlite:"} {
			db, err := OpenURL(t.Context(), url, dir)
			if err != nil {
				t.Fatalf("OpenURL(%q): %v", url, err)
			}
			if db.Dialect() != "sqlite" || db.Shared() {
				t.Errorf("OpenURL(%q): Dialect() = %q, Shared() = %v", url, db.Dialect(), db.Shared())
			}
			db.Close()
		}
		if n := countRows(t, openRaw(t, dir+"/"+DatabaseFile), `SELECT count(*) FROM schema_migrations`); n != len(wantMigrations) {
			t.Errorf("%s has %d migrations, want %d", DatabaseFile, n, len(wantMigrations))
		}
	})
	t.Run("ErrUnknownKind", func(t *testing.T) {
		_, err := OpenURL(t.Context(), "mysql://root:hunter2@db/ftppanel", t.TempDir())
		if err == nil || strings.Contains(err.Error(), "hunter2") || !strings.Contains(err.Error(), "postgres://") {
			t.Errorf("OpenURL(mysql://...) = %v, want an error that names what is taken, without the password", err)
		}
	})
}

func TestRedactURL(t *testing.T) {
	for in, want := range map[string]string{
		"":        "",
		"sqlite:": "sqlite:",
		"postgres://db.example/ftppanel?sslmode=require":                   "postgres://db.example/ftppanel?sslmode=require",
		"postgres://ftppanel:s3cret@db.example:5432/ftppanel":              "postgres://ftppanel:xxxxx@db.example:5432/ftppanel",
		"postgres://ftppanel@db.example/ftppanel?password=s3cret":          "postgres://ftppanel@db.example/ftppanel?password=xxxxx",
		"postgresql://u:p%40ss@h/d?sslmode=verify-full&sslrootcert=ca.pem": "postgresql://u:xxxxx@h/d?sslmode=verify-full&sslrootcert=ca.pem",
	} {
		if got := RedactURL(in); got != want {
			t.Errorf("RedactURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRebind(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`SELECT a FROM t WHERE b = ? AND c = ?`, `SELECT a FROM t WHERE b = $1 AND c = $2`},
		{`x LIKE '%' || ? || '%' ESCAPE '\'`, `x ILIKE '%' || $1 || '%' ESCAPE '\'`},
		{`(r = ? OR r like ? || ' by %' ESCAPE '\')`, `(r = $1 OR r ILIKE $2 || ' by %' ESCAPE '\')`},
		{`SELECT '?', 'it''s ?', "a?b", ? FROM unlike, likes`, `SELECT '?', 'it''s ?', "a?b", $1 FROM unlike, likes`},
	} {
		got, _ := postgresDialect.rebind(tc.in, nil)
		if got != tc.want {
			t.Errorf("rebind(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if same, _ := sqliteDialect.rebind(tc.in, nil); same != tc.in {
			t.Errorf("SQLite's rebind changed %q to %q", tc.in, same)
		}
	}
	_, args := postgresDialect.rebind("?", []any{true, false, "x"})
	if !slices.Equal(args, []any{int64(1), int64(0), "x"}) {
		t.Errorf("booleans for PostgreSQL: %v, want 1, 0", args)
	}
}

// TestPostgresTranslation: statements migrations use, as written for SQLite, run
// on PostgreSQL once translated, and mean the same there.
func TestPostgresTranslation(t *testing.T) {
	// A database whose locale sorts and folds as people do (en-US), unlike the
	// test cluster's C: the translation must keep SQLite's byte order anyway.
	c := pgtest.Shared(t)
	admin, err := sql.Open("pgx", c.URL("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.ExecContext(t.Context(), `CREATE DATABASE translation TEMPLATE template0
		LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'`); err != nil {
		t.Fatal(err)
	}
	db := mustOpenURL(t, c.URL("translation"), t.TempDir())
	migration := postgresDialect.translate(`
CREATE TABLE things (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    blob       BLOB,
    count      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX things_name ON things(name, count);
ALTER TABLE things ADD COLUMN label TEXT NOT NULL DEFAULT '';
CREATE INDEX things_label ON things(label, count);
`)
	if _, err := db.db.DB.ExecContext(t.Context(), migration); err != nil {
		t.Fatalf("translated migration: %v\n%s", err, migration)
	}
	for _, name := range []string{"b", "B", "a-b", "ab", "Ä"} {
		if _, err := db.db.ExecContext(t.Context(), `INSERT INTO things (name, blob) VALUES (?, ?)`, name, []byte(name)); err != nil {
			t.Fatal(err)
		}
	}
	// Byte order, as SQLite sorts, and IDs from 1.
	rows, err := db.db.QueryContext(t.Context(), `SELECT id, name FROM things ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var names []string
	var ids []int64
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			t.Fatal(err)
		}
		ids, names = append(ids, id), append(names, name)
	}
	if want := []string{"B", "a-b", "ab", "b", "Ä"}; !slices.Equal(names, want) {
		t.Errorf("ORDER BY name: %q, want byte order %q", names, want)
	}
	if slices.Min(ids) != 1 {
		t.Errorf("IDs %v, want them from 1", ids)
	}
	// LIKE folds ASCII letters only, as SQLite's does.
	if n := countRows(t, db.db, `SELECT count(*) FROM things WHERE name LIKE ?`, "b"); n != 2 {
		t.Errorf("LIKE 'b' matched %d names, want b and B", n)
	}
	if n := countRows(t, db.db, `SELECT count(*) FROM things WHERE name LIKE ?`, "ä"); n != 0 {
		t.Errorf("LIKE 'ä' matched %d names, want none (SQLite folds ASCII only)", n)
	}
	if err := db.RecordAudit(t.Context(), AuditEntry{Actor: "root", Action: "test"}); err != nil {
		t.Errorf("RecordAudit after ADD COLUMN: %v", err)
	}
}

// TestPostgresRestart: the store outlives a restart of PostgreSQL, without being
// opened again: the pool drops the connections the restart broke.
func TestPostgresRestart(t *testing.T) {
	c, url := pgtest.Own(t) // its own server: stopping it disturbs no other test
	db := mustOpenURL(t, url, t.TempDir())
	for _, name := range []string{"acme", "globex", "initech"} { // a few connections in the pool
		if err := db.AddCustomer(t.Context(), name, customerPW); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CustomerExists(t.Context(), "acme"); err == nil {
		t.Fatal("the store answered with PostgreSQL stopped")
	}
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	var failures []error
	for range 3 {
		ok, err := db.CustomerExists(t.Context(), "acme")
		if err != nil {
			failures = append(failures, err)
			continue
		}
		if !ok {
			t.Fatal("acme is gone after the restart")
		}
	}
	if len(failures) > 0 {
		t.Errorf("after the restart, %d of 3 reads failed: %v", len(failures), failures)
	}
}
