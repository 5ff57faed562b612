package store

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ftppanel/ftppanel/internal/pgtest"
)

// copySource is a SQLite store with rows in every table, and what a user of it
// holds: tokens that must keep working after the copy.
type copySource struct {
	db                     *DB
	signIn, apiToken, link string
}

func populatedSQLite(t *testing.T) copySource {
	t.Helper()
	db := mustOpen(t)
	ctx := t.Context()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(db.AddAdmin(ctx, "root", adminPW))
	must(db.AddCustomer(ctx, "acme", customerPW))
	must(db.AddCustomer(ctx, "beta", customerPW))
	for _, login := range []string{"bob", "dave", "carol"} {
		must(db.AddFTPAccount(ctx, login, "acme", ftpPW))
	}
	must(db.DeleteFTPAccount(ctx, "dave")) // a gap in the IDs, and an account change
	must(db.SetFTPPassword(ctx, "carol", "carol-new-secret"))
	acme, err := db.AuthenticatePanelUser(ctx, "acme", customerPW)
	must(err)
	src := copySource{db: db}
	src.signIn, err = db.CreateSignIn(ctx, acme.ID)
	must(err)
	src.apiToken, _, err = db.CreateAPIToken(ctx, "acme", "deploy")
	must(err)
	src.link, _, err = db.CreateLoginLink(ctx, "beta")
	must(err)
	_, err = db.AddBan(ctx, Ban{IP: "192.0.2.9", Reason: "guessing", CreatedBy: "root", Until: time.Now().Add(time.Hour)})
	must(err)
	now := time.Now().UTC().Truncate(time.Second)
	must(db.RecordHistory(ctx, []HistoryEntry{
		{SessionID: "s1", FTPLogin: "bob", Customer: "acme", RemoteIP: "192.0.2.1", RemotePort: 5001, Client: "curl",
			TLS: true, ConnectedAt: now.Add(-time.Minute), LoggedInAt: now.Add(-time.Minute), EndedAt: now,
			BytesUp: 1 << 40, BytesDown: 7, FilesUp: 2, FilesDown: 1, EndReason: "quit"},
		{SessionID: "s2", RemoteIP: "192.0.2.2", RemotePort: 5002, ConnectedAt: now, EndedAt: now, EndReason: "login failed"},
	}))
	must(db.RecordAudit(ctx, AuditEntry{Actor: "root", Action: "disconnect", SessionID: "s1", FTPLogin: "bob", Customer: "acme", RemoteIP: "192.0.2.1"}))
	must(db.RecordAudit(ctx, AuditEntry{Actor: "acme", Action: "ftp-user passwd", FTPLogin: "carol", Customer: "acme", Detail: "ünïcode ✓"}))
	for _, table := range copyTables {
		if n := countRows(t, db.db, `SELECT count(*) FROM `+table.name); n == 0 {
			t.Fatalf("the source has no rows in %s: populate every table", table.name)
		}
	}
	return src
}

// tableRows reads a whole table, ordered by its first column, each value as text.
func tableRows(t *testing.T, db *DB, table string) []string {
	t.Helper()
	rows, err := db.db.QueryContext(t.Context(), `SELECT * FROM `+table+` ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for rows.Next() {
		values := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range values {
			ptrs[i] = &values[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for i, v := range values {
			if bs, ok := v.([]byte); ok {
				v = fmt.Sprintf("%x", bs)
			}
			fmt.Fprintf(&b, "%s=%v ", cols[i], v)
		}
		out = append(out, b.String())
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestCopyTo(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		src := populatedSQLite(t)
		ctx := t.Context()
		dst := mustOpenURL(t, pgtest.NewDatabase(t), t.TempDir())
		copied, err := src.db.CopyTo(ctx, dst)
		if err != nil {
			t.Fatalf("CopyTo: %v", err)
		}
		if len(copied) != len(copyTables) {
			t.Errorf("copied %d tables, want %d", len(copied), len(copyTables))
		}
		for _, c := range copied {
			if want := countRows(t, src.db.db, `SELECT count(*) FROM `+c.Table); c.Rows != int64(want) {
				t.Errorf("%s: copied %d rows, the source has %d", c.Table, c.Rows, want)
			}
			if got, want := tableRows(t, dst, c.Table), tableRows(t, src.db, c.Table); !slices.Equal(got, want) {
				t.Errorf("%s differs after the copy:\n got %q\nwant %q", c.Table, got, want)
			}
		}
		if got := fmt.Sprint(copied[0], ", ", copied[2]); got != "2 customers, 2 FTP accounts" {
			t.Errorf("copied says %q", got)
		}

		// What users hold works on the copy: hashes, tokens and links came along.
		if a, err := dst.AuthenticateFTP(ctx, "bob", ftpPW); err != nil || a.Customer != "acme" {
			t.Errorf("bob's FTP login on the copy: %+v, %v", a, err)
		}
		if _, err := dst.AuthenticateFTP(ctx, "carol", "carol-new-secret"); err != nil {
			t.Errorf("carol's changed password on the copy: %v", err)
		}
		if _, err := dst.AuthenticateFTP(ctx, "dave", ftpPW); err != ErrBadCredentials {
			t.Errorf("deleted dave on the copy: %v, want ErrBadCredentials", err)
		}
		if u, err := dst.AuthenticatePanelUser(ctx, "root", adminPW); err != nil || !u.IsAdmin() {
			t.Errorf("the admin's panel sign-in on the copy: %+v, %v", u, err)
		}
		if u, err := dst.SignedInUser(ctx, src.signIn); err != nil || u.Name != "acme" {
			t.Errorf("acme's browser on the copy: %+v, %v", u, err)
		}
		if u, err := dst.APITokenUser(ctx, src.apiToken); err != nil || u.Name != "acme" {
			t.Errorf("acme's API token on the copy: %+v, %v", u, err)
		}
		if u, err := dst.RedeemLoginLink(ctx, src.link); err != nil || u.Name != "beta" {
			t.Errorf("beta's login link on the copy: %+v, %v", u, err)
		}
		if b, err := dst.ActiveBan(ctx, "192.0.2.9"); err != nil || b.Reason != "guessing" {
			t.Errorf("the ban on the copy: %+v, %v", b, err)
		}
		srcHistory, err := src.db.History(ctx, HistoryQuery{})
		if err != nil {
			t.Fatal(err)
		}
		if got, err := dst.History(ctx, HistoryQuery{}); err != nil || !slices.Equal(got, srcHistory) {
			t.Errorf("history on the copy:\n%+v, %v\nwant %+v", got, err, srcHistory)
		}
		srcAudit, err := src.db.AuditEntries(ctx, 0)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := dst.AuditEntries(ctx, 0); err != nil || !slices.Equal(got, srcAudit) {
			t.Errorf("audit on the copy:\n%+v, %v\nwant %+v", got, err, srcAudit)
		}

		// New rows get IDs past the copied ones, rather than colliding with them.
		maxID := func(db *DB, table string) int {
			return countRows(t, db.db, `SELECT coalesce(max(id), 0) FROM `+table)
		}
		before := map[string]int{}
		for _, table := range []string{"customers", "panel_users", "ftp_accounts", "api_tokens", "ftp_account_changes", "bans", "session_history", "audit_log"} {
			before[table] = maxID(dst, table)
		}
		if err := dst.AddCustomer(ctx, "gamma", customerPW); err != nil {
			t.Fatalf("a new customer after the copy: %v", err)
		}
		if err := dst.AddFTPAccount(ctx, "erin", "gamma", ftpPW); err != nil {
			t.Fatalf("a new FTP account after the copy: %v", err)
		}
		if err := dst.SetFTPDisabled(ctx, "bob", true); err != nil {
			t.Fatal(err)
		}
		if _, _, err := dst.CreateAPIToken(ctx, "gamma", ""); err != nil {
			t.Fatal(err)
		}
		if _, err := dst.AddBan(ctx, Ban{IP: "192.0.2.10", CreatedBy: "root", Until: time.Now().Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		if err := dst.RecordHistory(ctx, []HistoryEntry{{SessionID: "s3", RemoteIP: "192.0.2.3", ConnectedAt: time.Now(), EndedAt: time.Now(), EndReason: "quit"}}); err != nil {
			t.Fatal(err)
		}
		if err := dst.RecordAudit(ctx, AuditEntry{Actor: "root", Action: "test"}); err != nil {
			t.Fatal(err)
		}
		for table, old := range before {
			if n := maxID(dst, table); n != old+1 {
				t.Errorf("%s: a new row got ID %d, want %d (one past the copied)", table, n, old+1)
			}
		}
	})

	t.Run("RefusesADestinationWithRows", func(t *testing.T) {
		src := populatedSQLite(t)
		dst := mustOpenURL(t, pgtest.NewDatabase(t), t.TempDir())
		if err := dst.RecordAudit(t.Context(), AuditEntry{Actor: "root", Action: "already here"}); err != nil {
			t.Fatal(err)
		}
		_, err := src.db.CopyTo(t.Context(), dst)
		if err == nil || !strings.Contains(err.Error(), "the destination is not empty (audit_log has rows)") {
			t.Fatalf("CopyTo a database with rows: %v, want a refusal", err)
		}
		for _, table := range copyTables {
			want := 0
			if table.name == "audit_log" {
				want = 1
			}
			if n := countRows(t, dst.db, `SELECT count(*) FROM `+table.name); n != want {
				t.Errorf("%s has %d rows after the refused copy, want %d", table.name, n, want)
			}
		}
		// A second copy into a database a first one filled is refused too.
		again := mustOpenURL(t, pgtest.NewDatabase(t), t.TempDir())
		if _, err := src.db.CopyTo(t.Context(), again); err != nil {
			t.Fatal(err)
		}
		if _, err := src.db.CopyTo(t.Context(), again); err == nil || !strings.Contains(err.Error(), "not empty") {
			t.Errorf("a second copy: %v, want a refusal", err)
		}
	})

	t.Run("ColumnsOfALaterMigration", func(t *testing.T) {
		// A column a later migration adds is copied with no change to the copy.
		src := populatedSQLite(t)
		dst := mustOpenURL(t, pgtest.NewDatabase(t), t.TempDir())
		const add = `ALTER TABLE audit_log ADD COLUMN later TEXT NOT NULL DEFAULT '';
			ALTER TABLE session_history ADD COLUMN later TEXT NOT NULL DEFAULT ''`
		if _, err := src.db.db.ExecContext(t.Context(), add); err != nil {
			t.Fatal(err)
		}
		if _, err := dst.db.ExecContext(t.Context(), postgresDialect.translate(add)); err != nil {
			t.Fatal(err)
		}
		if _, err := src.db.db.ExecContext(t.Context(), `UPDATE audit_log SET later = 'a'`); err != nil {
			t.Fatal(err)
		}
		if _, err := src.db.CopyTo(t.Context(), dst); err != nil {
			t.Fatal(err)
		}
		if n := countRows(t, dst.db, `SELECT count(*) FROM audit_log WHERE later = 'a'`); n != 2 {
			t.Errorf("%d audit rows copied with the later column, want 2", n)
		}
	})

	t.Run("RefusesAPostgreSQLSource", func(t *testing.T) {
		a := mustOpenURL(t, pgtest.NewDatabase(t), t.TempDir())
		b := mustOpenURL(t, pgtest.NewDatabase(t), t.TempDir())
		if _, err := a.CopyTo(t.Context(), b); err == nil {
			t.Error("CopyTo from PostgreSQL: no error")
		}
	})
}

// TestCopyKnowsEveryTable fails when a migration adds a table that CopyTo does
// not copy: add it to copyTables, after the tables it refers to.
func TestCopyKnowsEveryTable(t *testing.T) {
	db := mustOpen(t)
	tables, err := sourceTables(t.Context(), db.db)
	if err != nil {
		t.Fatal(err)
	}
	var known []string
	for _, table := range copyTables {
		known = append(known, table.name)
	}
	slices.Sort(known)
	if !slices.Equal(tables, known) {
		t.Errorf("the store's tables %q, store copy knows %q", tables, known)
	}
}

// convertValue keeps what SQLite may hold in a column of another type.
func TestConvertValue(t *testing.T) {
	for _, tc := range []struct {
		in   any
		typ  string
		want any
	}{
		{"abc", "bytea", []byte("abc")},
		{[]byte("abc"), "text", "abc"},
		{int64(7), "text", "7"},
		{"42", "bigint", int64(42)},
		{float64(3), "bigint", int64(3)},
		{nil, "bigint", nil},
	} {
		got, err := convertValue(tc.in, tc.typ)
		if err != nil || fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("convertValue(%#v, %s) = %#v, %v; want %#v", tc.in, tc.typ, got, err, tc.want)
		}
	}
	for _, tc := range []struct {
		in  any
		typ string
	}{{"x", "bigint"}, {1.5, "bigint"}, {[]byte{0xff}, "text"}} {
		if _, err := convertValue(tc.in, tc.typ); err == nil {
			t.Errorf("convertValue(%#v, %s): no error", tc.in, tc.typ)
		}
	}
}
