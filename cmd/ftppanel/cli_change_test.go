package main

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ftppanel/ftppanel/internal/store"
)

// The commands that change what exists: FTP accounts and panel passwords.

func TestCLIChangesFTPAccounts(t *testing.T) {
	t.Parallel()
	in := offline(t)
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	db := in.openDB()
	account := func() store.FTPAccountInfo {
		t.Helper()
		a, err := db.FTPAccountIn(context.Background(), store.AllAccounts(), "bob")
		if err != nil {
			t.Fatal(err)
		}
		return a
	}

	out, err := in.cli("bob-new-password\n", "ftp-user", "passwd", "bob")
	if err != nil || !strings.Contains(out, `Changed the password of FTP account "bob"`) {
		t.Fatalf("passwd: %v\n%s", err, out)
	}
	if ftpAccount(t, db, "bob", "bob-password") != "" || ftpAccount(t, db, "bob", "bob-new-password") != "acme" {
		t.Error("bob's password did not change")
	}
	in.mustFail("short\n", []string{"ftp-user", "passwd", "bob"}, "at least 8 characters")

	in.mustCLI("", "ftp-user", "disable", "bob")
	if !account().Disabled || ftpAccount(t, db, "bob", "bob-new-password") != "" {
		t.Error("disabled bob can still log in")
	}
	in.mustCLI("", "ftp-user", "enable", "bob")
	if account().Disabled || ftpAccount(t, db, "bob", "bob-new-password") != "acme" {
		t.Error("enabled bob cannot log in")
	}

	for arg, want := range map[string]time.Duration{"30m": 30 * time.Minute, "1h30m": 90 * time.Minute, "24h": 24 * time.Hour, "0": 0} {
		out, err := in.cli("", "ftp-user", "idle-timeout", "bob", arg)
		if err != nil {
			t.Fatalf("idle-timeout %s: %v\n%s", arg, err, out)
		}
		if got := account().IdleTimeout; got != want {
			t.Errorf("idle-timeout %s: stored %v, want %v", arg, got, want)
		}
	}
	account0 := account()
	for _, bad := range []string{"soon", "500ms", "25h", "1.5s", "", "5"} {
		in.mustFail("", []string{"ftp-user", "idle-timeout", "bob", bad}, bad)
	}
	if account() != account0 {
		t.Error("a refused idle timeout changed the account")
	}

	if err := os.WriteFile(in.home("acme", "bob")+"/keep.txt", []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err = in.cli("", "ftp-user", "delete", "bob")
	if err != nil || !strings.Contains(out, "Its files stay in "+in.home("acme", "bob")) {
		t.Fatalf("delete: %v\n%s", err, out)
	}
	if _, err := db.FTPAccountIn(context.Background(), store.AllAccounts(), "bob"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("bob still exists: %v", err)
	}
	if _, err := os.Stat(in.home("acme", "bob") + "/keep.txt"); err != nil {
		t.Errorf("bob's files went with the account: %v", err)
	}

	for _, action := range [][]string{{"passwd", "bob"}, {"disable", "bob"}, {"enable", "bob"}, {"delete", "bob"}, {"idle-timeout", "bob", "5m"}} {
		in.mustFail("some-password\n", append([]string{"ftp-user"}, action...), `no FTP account named "bob"`)
		in.mustFail("some-password\n", append([]string{"ftp-user", action[0], "Bad/Name"}, action[2:]...), "is not allowed")
	}
	for _, args := range [][]string{{"ftp-user", "passwd"}, {"ftp-user", "disable", "bob", "carol"}, {"ftp-user", "idle-timeout", "bob"}, {"ftp-user", "delete"}} {
		if _, err := in.cli("some-password\n", args...); !errors.Is(err, errUsage) {
			t.Errorf("ftppanel %q: %v, want a usage error", args, err)
		}
	}
}

func TestCLIChangesPanelPasswords(t *testing.T) {
	t.Parallel()
	in := offline(t)
	in.addCustomer("acme")
	in.mustCLI("ops-password\n", "admin", "add", "ops")
	db := in.openDB()
	signInAs := func(name, password string) string {
		u, err := db.AuthenticatePanelUser(context.Background(), name, password)
		if err != nil {
			t.Fatal(err)
		}
		token, err := db.CreateSignIn(context.Background(), u.ID)
		if err != nil {
			t.Fatal(err)
		}
		return token
	}
	acme1, acme2, ops := signInAs("acme", "acme-password"), signInAs("acme", "acme-password"), signInAs("ops", "ops-password")

	out, err := in.cli("acme-new-password\n", "customer", "passwd", "acme")
	if err != nil || !strings.Contains(out, `Changed the panel password of "acme" and signed it out of 2 browsers.`) {
		t.Fatalf("customer passwd: %v\n%s", err, out)
	}
	if panelLogin(t, db, "acme", "acme-password") || !panelLogin(t, db, "acme", "acme-new-password") {
		t.Error("acme's password did not change")
	}
	for _, token := range []string{acme1, acme2} {
		if _, err := db.SignedInUser(context.Background(), token); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("an acme browser is still signed in: %v", err)
		}
	}
	if _, err := db.SignedInUser(context.Background(), ops); err != nil {
		t.Errorf("ops was signed out: %v", err)
	}

	// Each command changes its own kind of user only.
	in.mustFail("some-password\n", []string{"admin", "passwd", "acme"}, `no panel admin named "acme"`)
	in.mustFail("some-password\n", []string{"customer", "passwd", "ops"}, `no customer named "ops"`)
	in.mustFail("some-password\n", []string{"customer", "passwd", "nobody"}, `no customer named "nobody"`)
	in.mustFail("short\n", []string{"admin", "passwd", "ops"}, "at least 8 characters")
	if !panelLogin(t, db, "ops", "ops-password") || !panelLogin(t, db, "acme", "acme-new-password") {
		t.Error("a refused command changed a password")
	}
	out, err = in.cli("ops-new-password\n", "admin", "passwd", "ops")
	if err != nil || !strings.Contains(out, "signed it out of 1 browser.") {
		t.Fatalf("admin passwd: %v\n%s", err, out)
	}
	if !panelLogin(t, db, "ops", "ops-new-password") {
		t.Error("ops's password did not change")
	}
}

func TestCLIChangeCommandsHelp(t *testing.T) {
	t.Parallel()
	data := t.TempDir() + "/data"
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--help"}, "ftp-user passwd|disable|enable|delete LOGIN"},
		{[]string{"--help"}, "ftp-user idle-timeout LOGIN DURATION"},
		{[]string{"--help"}, "customer passwd NAME"},
		{[]string{"ftp-user", "--help"}, "ftp-user idle-timeout LOGIN DURATION"},
		{[]string{"ftp-user", "passwd", "--help"}, "standard input"},
		{[]string{"ftp-user", "idle-timeout", "-h"}, "0 gives the account the server's idle timeout"},
		{[]string{"admin", "--help"}, "admin passwd NAME"},
		{[]string{"admin", "passwd", "--help"}, "admin passwd NAME"},
		{[]string{"customer", "passwd", "acme", "--help"}, "customer passwd NAME"},
	} {
		var out syncBuffer
		args := append(append([]string{"ftppanel"}, tc.args...), "--data", data)
		if err := run(context.Background(), args, testEnv, strings.NewReader("some-password\n"), &out, &out); err != nil {
			t.Errorf("%q: %v", tc.args, err)
		}
		if !strings.Contains(out.String(), "Usage:") || !strings.Contains(out.String(), tc.want) {
			t.Errorf("%q does not show %q:\n%s", tc.args, tc.want, out.String())
		}
	}
	if _, err := os.Stat(data); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("asking for help created the data directory: %v", err)
	}
}
