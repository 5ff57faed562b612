package main

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/ftppanel/ftppanel/internal/store"
)

// The commands that change an account or a customer write the audit log as the
// panel does for the same change, by "command line".

func TestCLIChangesAreAudited(t *testing.T) {
	t.Parallel()
	in := offline(t)
	var passwords []string
	seen := 0
	// run runs a command that must succeed and leave exactly the entry want.
	run := func(stdin string, want store.AuditEntry, args ...string) {
		t.Helper()
		if pw := strings.TrimSpace(stdin); pw != "" {
			passwords = append(passwords, pw)
		}
		in.mustCLI(stdin, args...)
		entries := in.auditEntries()
		if len(entries) != seen+1 {
			t.Fatalf("ftppanel %q: %d new audit entries, want 1: %+v", args, len(entries)-seen, entries[:len(entries)-seen])
		}
		seen++
		got := entries[0]
		if got.Actor != cliActor || got.Action != want.Action || got.FTPLogin != want.FTPLogin ||
			got.Customer != want.Customer || got.Detail != want.Detail || got.SessionID != "" || got.RemoteIP != "" {
			t.Errorf("ftppanel %q: audit entry %+v, want %+v by %q", args, got, want, cliActor)
		}
		if got.At.IsZero() {
			t.Errorf("ftppanel %q: audit entry without a time", args)
		}
	}
	run("acme-password\n", store.AuditEntry{Action: "create customer", Customer: "acme"}, "customer", "add", "acme")
	run("acme-new-password\n", store.AuditEntry{Action: "change panel password", Customer: "acme", Detail: "signed out no browser"},
		"customer", "passwd", "acme")
	run("bob-password\n", store.AuditEntry{Action: "create account", FTPLogin: "bob", Customer: "acme", Detail: "home directory /bob"},
		"ftp-user", "add", "bob", "--customer", "acme")
	bob := func(action, detail string) store.AuditEntry {
		return store.AuditEntry{Action: action, FTPLogin: "bob", Customer: "acme", Detail: detail}
	}
	run("bob-new-password\n", bob("change password", ""), "ftp-user", "passwd", "bob")
	run("", bob("disable account", ""), "ftp-user", "disable", "bob")
	run("", bob("enable account", ""), "ftp-user", "enable", "bob")
	run("", bob("change account", "idle timeout: 30m 00s"), "ftp-user", "idle-timeout", "bob", "30m")
	run("", bob("change account", "idle timeout: server default"), "ftp-user", "idle-timeout", "bob", "0")
	run("", bob("limit account", "down 2 MiB/s, up no limit"), "ftp-user", "limit", "bob", "--down", "2M")
	run("", bob("limit account", "down 2 MiB/s, up 512 KiB/s"), "ftp-user", "limit", "bob", "--up", "512K")
	in.mustCLI("root-password\n", "admin", "add", "root")
	seen = len(in.auditEntries()) // adding an admin is not audited
	run("root-new-password\n", store.AuditEntry{Action: "change panel password", Detail: `admin "root"; signed out no browser`}, "admin", "passwd", "root")
	run("", bob("delete account", ""), "ftp-user", "delete", "bob")

	// Commands that fail, or change nothing, write nothing.
	in.addFTPUser("carol", "acme")
	for _, c := range []struct {
		stdin string
		args  []string
	}{
		{"x-password\n", []string{"ftp-user", "passwd", "bob"}},
		{"", []string{"ftp-user", "disable", "bob"}},
		{"", []string{"ftp-user", "enable", "bob"}},
		{"", []string{"ftp-user", "delete", "bob"}},
		{"", []string{"ftp-user", "idle-timeout", "bob", "5m"}},
		{"", []string{"ftp-user", "limit", "bob", "--down", "1M"}},
		{"short\n", []string{"ftp-user", "passwd", "carol"}},
		{"", []string{"ftp-user", "idle-timeout", "carol", "25h"}},
		{"", []string{"ftp-user", "limit", "carol", "--down", "fast"}},
		{"", []string{"ftp-user", "disable", "Bad/Name"}},
		{"dave-password\n", []string{"ftp-user", "add", "dave", "--customer", "initech"}},
		{"carol-password\n", []string{"ftp-user", "add", "carol", "--customer", "acme"}},
		{"acme-password\n", []string{"customer", "add", "acme"}},
		{"x-password\n", []string{"customer", "passwd", "initech"}},
	} {
		in.mustFail(c.stdin, c.args)
		if n := len(in.auditEntries()); n != seen {
			t.Errorf("ftppanel %q failed but wrote %d audit entries", c.args, n-seen)
			seen = n
		}
	}
	// Printing an account's limits changes nothing.
	in.mustCLI("", "ftp-user", "limit", "carol")
	if n := len(in.auditEntries()); n != seen {
		t.Errorf("ftp-user limit without a change wrote %d audit entries", n-seen)
	}

	for _, e := range in.auditEntries() {
		for _, pw := range passwords {
			if strings.Contains(e.Detail+e.Action+e.Actor, pw) {
				t.Errorf("audit entry %+v holds the password %q", e, pw)
			}
		}
	}
}

// TestCLIChangesOnTheAuditPage: a customer's audit page shows the command
// line's changes to its own accounts, never another customer's.
func TestCLIChangesOnTheAuditPage(t *testing.T) {
	t.Parallel()
	in := start(t)
	in.addCustomer("acme")
	in.addCustomer("globex")
	in.mustCLI("bob-password\n", "ftp-user", "add", "bob", "--customer", "acme")
	in.mustCLI("carol-password\n", "ftp-user", "add", "carol", "--customer", "globex")
	in.mustCLI("", "ftp-user", "disable", "bob")
	in.mustCLI("", "ftp-user", "limit", "carol", "--up", "1M")
	in.mustCLI("globex-new-password\n", "customer", "passwd", "globex")

	var acmeIDs, globexIDs, all []string
	for _, e := range in.auditEntries() {
		id := strconv.FormatInt(e.ID, 10)
		all = append(all, id)
		switch e.Customer {
		case "acme":
			acmeIDs = append(acmeIDs, id)
		case "globex":
			globexIDs = append(globexIDs, id)
		}
	}
	if len(acmeIDs) != 2 || len(globexIDs) != 3 || len(all) != 5 {
		t.Fatalf("audit entries: acme %v, globex %v, all %v; want 2, 3, 5", acmeIDs, globexIDs, all)
	}

	admin := in.signInAdmin()
	rows := recordRows(admin.mustPage("/audit"), "data-audit-id")
	if got := recordIDs(rows); !slices.Equal(got, all) {
		t.Fatalf("the admin's audit rows %v, want %v", got, all)
	}
	for _, r := range rows {
		if r.cells["Panel user"] != "command line" {
			t.Errorf("audit row %v: panel user %q, want \"command line\"", r.cells, r.cells["Panel user"])
		}
	}

	for _, c := range []struct {
		who, password string
		want          []string
		not           []string
	}{
		{"acme", "acme-password", acmeIDs, []string{"carol", "globex"}},
		{"globex", "globex-new-password", globexIDs, []string{"bob", "acme"}},
	} {
		body := in.signIn(c.who, c.password).mustPage("/audit")
		rows := recordRows(body, "data-audit-id")
		if got := recordIDs(rows); !slices.Equal(got, c.want) {
			t.Errorf("%s's audit rows %v, want %v", c.who, got, c.want)
		}
		for _, r := range rows {
			if r.cells["Panel user"] != "command line" {
				t.Errorf("%s's audit row %v: panel user %q", c.who, r.cells, r.cells["Panel user"])
			}
		}
		for _, s := range c.not {
			if strings.Contains(htmlText(body), s) {
				t.Errorf("%s's audit page mentions %q", c.who, s)
			}
		}
	}
}
