package main

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/ftppanel/ftppanel/internal/store"
)

// offline is an instance that is never started: the user management commands
// work on its data directory alone, which does not exist yet.
func offline(t *testing.T) *instance {
	return &instance{t: t, data: filepath.Join(t.TempDir(), "data")}
}

// openDB opens the instance's database to check what the commands stored.
func (in *instance) openDB() *store.DB {
	in.t.Helper()
	db := openStore(in.t, in.data)
	db.PasswordCost = bcrypt.MinCost // what an unknown user is checked against
	in.t.Cleanup(func() { db.Close() })
	return db
}

// tree lists every path under dir, relative to it; nothing if dir does not exist.
func tree(t *testing.T, dir string) []string {
	t.Helper()
	var paths []string
	err := filepath.WalkDir(dir, func(p string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != dir {
			rel, _ := filepath.Rel(dir, p)
			paths = append(paths, rel)
		}
		return nil
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	return paths
}

// mustFail runs a command that must fail with an error mentioning each of want.
func (in *instance) mustFail(stdin string, args []string, want ...string) string {
	in.t.Helper()
	out, err := in.cli(stdin, args...)
	if err == nil {
		in.t.Errorf("ftppanel %q succeeded, want an error\n%s", args, out)
		return out
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			in.t.Errorf("ftppanel %q: error %q does not say %q", args, err, w)
		}
	}
	return out
}

// panelLogin reports whether a panel user NAME with that password exists.
func panelLogin(t *testing.T, db *store.DB, name, password string) bool {
	t.Helper()
	_, err := db.AuthenticatePanelUser(context.Background(), name, password)
	if err != nil && !errors.Is(err, store.ErrBadCredentials) {
		t.Fatal(err)
	}
	return err == nil
}

// ftpAccount returns the customer of the FTP account LOGIN with that password, or "".
func ftpAccount(t *testing.T, db *store.DB, login, password string) string {
	t.Helper()
	a, err := db.AuthenticateFTP(context.Background(), login, password)
	if err != nil && !errors.Is(err, store.ErrBadCredentials) {
		t.Fatal(err)
	}
	return a.Customer
}

func TestCLIRejectsInvalidNames(t *testing.T) {
	t.Parallel()
	in := offline(t)
	in.addCustomer("acme") // so that a wrong FTP login is the only thing wrong
	homes := tree(t, filepath.Join(in.data, "home"))

	const rule = "use lowercase letters, digits, '.', '_' and '-', starting with a letter or digit"
	invalid := map[string]string{
		"":                      "must not be empty",
		"with space":            rule,
		"..":                    rule,
		"a/b":                   rule,
		"Upper":                 rule,
		"a..b":                  `must not contain ".."`,
		strings.Repeat("a", 33): "too long (at most 32 characters)",
	}
	for name, why := range invalid {
		in.mustFail("valid-password\n", []string{"customer", "add", name}, "customer name", why)
		in.mustFail("valid-password\n", []string{"admin", "add", name}, "admin name", why)
		in.mustFail("valid-password\n", []string{"ftp-user", "add", name, "--customer", "acme"}, "FTP login name", why)
	}

	db := in.openDB()
	for name := range invalid {
		if ok, err := db.CustomerExists(context.Background(), name); err != nil || ok {
			t.Errorf("customer %q exists after being refused (%v)", name, err)
		}
		if panelLogin(t, db, name, "valid-password") {
			t.Errorf("panel user %q can sign in after being refused", name)
		}
		if c := ftpAccount(t, db, name, "valid-password"); c != "" {
			t.Errorf("FTP account %q exists after being refused", name)
		}
	}
	if got := tree(t, filepath.Join(in.data, "home")); !slices.Equal(got, homes) {
		t.Errorf("refused commands changed the home directories: %v, was %v", got, homes)
	}
}

func TestCLIRefusesDuplicates(t *testing.T) {
	t.Parallel()
	in := offline(t)
	in.addCustomer("acme")
	in.addCustomer("globex")
	in.mustCLI("ops-password\n", "admin", "add", "ops")
	in.addFTPUser("bob", "acme")

	in.mustFail("other-password\n", []string{"customer", "add", "acme"}, `"acme"`, "already exists")
	in.mustFail("other-password\n", []string{"customer", "add", "ops"}, `"ops"`, "already exists")
	in.mustFail("other-password\n", []string{"admin", "add", "ops"}, `"ops"`, "already exists")
	in.mustFail("other-password\n", []string{"admin", "add", "acme"}, `"acme"`, "already exists")
	in.mustFail("other-password\n", []string{"ftp-user", "add", "bob", "--customer", "acme"}, `"bob"`, "already exists")
	in.mustFail("other-password\n", []string{"ftp-user", "add", "bob", "--customer", "globex"}, `"bob"`, "already exists")

	db := in.openDB()
	// What existed is untouched: old passwords still work, new ones do not.
	for _, u := range []struct{ name, password string }{{"acme", "acme-password"}, {"ops", "ops-password"}} {
		if !panelLogin(t, db, u.name, u.password) {
			t.Errorf("%s can no longer sign in with its password", u.name)
		}
		if panelLogin(t, db, u.name, "other-password") {
			t.Errorf("a refused duplicate changed %s's password", u.name)
		}
	}
	if c := ftpAccount(t, db, "bob", "bob-password"); c != "acme" {
		t.Errorf("bob's account now belongs to %q, want acme", c)
	}
	if c := ftpAccount(t, db, "bob", "other-password"); c != "" {
		t.Error("a refused duplicate changed bob's FTP password")
	}
	// The admin "ops" did not half-create a customer "ops".
	if ok, err := db.CustomerExists(context.Background(), "ops"); err != nil || ok {
		t.Errorf("a refused customer add left a customer row (%v)", err)
	}
	if _, err := os.Stat(in.home("globex", "bob")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a refused duplicate login created a home under globex: %v", err)
	}
}

func TestCLIFTPUserNeedsAnExistingCustomer(t *testing.T) {
	t.Parallel()
	in := offline(t)
	in.addCustomer("acme")
	outside := tree(t, filepath.Dir(in.data))

	in.mustFail("bob-password\n", []string{"ftp-user", "add", "bob", "--customer", "nosuch"},
		`no customer named "nosuch"`, "add it first", "customer add nosuch")
	// A customer name that is not even valid is just as unknown, and makes no directory.
	for _, customer := range []string{"..", "../..", "a/b", "/tmp", "Acme"} {
		in.mustFail("bob-password\n", []string{"ftp-user", "add", "bob", "--customer", customer}, "no customer named", "add it first")
	}
	for _, args := range [][]string{
		{"ftp-user", "add", "bob"},
		{"ftp-user", "add", "bob", "--customer", ""},
		{"ftp-user", "add", "bob", "--customer="},
	} {
		in.mustFail("bob-password\n", args, "--customer is required")
	}

	if got := tree(t, filepath.Dir(in.data)); !slices.Equal(got, outside) {
		t.Errorf("refused commands created files: %v, was %v", got, outside)
	}
	if c := ftpAccount(t, in.openDB(), "bob", "bob-password"); c != "" {
		t.Errorf("bob was created for %q", c)
	}
}

func TestCLIPasswords(t *testing.T) {
	t.Parallel()
	in := offline(t)
	in.addCustomer("acme")
	const (
		short = "Sh0rt!x"                                                                     // 7 characters
		long  = "L0ng-L0ng-L0ng-L0ng-L0ng-L0ng-L0ng-L0ng-L0ng-L0ng-L0ng-L0ng-L0ng-L0ng-L0ng-" // 75 bytes
		good  = "Tr0ub4dor&3-horse"
	)
	var outputs []string
	for _, args := range [][]string{
		{"ftp-user", "add", "bob", "--customer", "acme"},
		{"customer", "add", "globex"},
		{"admin", "add", "ops"},
	} {
		t.Run(args[0], func(t *testing.T) {
			in := &instance{t: t, data: in.data}
			in.mustFail("", args, "no password on standard input", "first line")
			in.mustFail("\n", args, "no password on standard input")
			outputs = append(outputs, in.mustFail(short+"\n", args, "password rejected", "at least 8 characters"))
			outputs = append(outputs, in.mustFail(long+"\n", args, "password rejected", "at most 72 bytes"))
			if _, err := os.Stat(in.home("acme", "bob")); args[0] == "ftp-user" && !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("a refused ftp-user add created the home: %v", err)
			}

			// Only the first line counts, without its line ending.
			out, err := in.cli(good+"\r\nsecond line\n", args...)
			if err != nil {
				t.Fatalf("with a good password: %v\n%s", err, out)
			}
			if !strings.Contains(out, "Added") {
				t.Errorf("success says nothing:\n%s", out)
			}
			outputs = append(outputs, out)
		})
	}
	for _, out := range outputs {
		for _, pw := range []string{short, long, good} {
			if strings.Contains(out, pw) {
				t.Errorf("a password was echoed:\n%s", out)
			}
		}
	}
	// Refused passwords are not echoed in the error either.
	for _, pw := range []string{short, long} {
		if _, err := in.cli(pw+"\n", "admin", "add", "ops2"); err == nil || strings.Contains(err.Error(), pw) {
			t.Errorf("refusing a bad password: %v", err)
		}
	}

	db := in.openDB()
	if !panelLogin(t, db, "globex", good) || !panelLogin(t, db, "ops", good) || ftpAccount(t, db, "bob", good) != "acme" {
		t.Error("the accounts were not created with the first line of standard input as their password")
	}
	for _, bad := range []string{short, long, good + "\r", "second line"} {
		if panelLogin(t, db, "ops", bad) {
			t.Errorf("ops signs in with %q", bad)
		}
	}
}

func TestCLIFlagsBeforeOrAfterTheName(t *testing.T) {
	t.Parallel()
	in := offline(t)
	for _, tc := range []struct {
		name string // whose password is NAME-password
		args []string
	}{
		{"acme", []string{"customer", "add", "--data", in.data, "acme"}},
		{"ops", []string{"admin", "add", "--data=" + in.data, "ops"}},
		{"bob", []string{"ftp-user", "add", "--customer", "acme", "bob"}},
		{"carol", []string{"ftp-user", "add", "carol", "--customer", "acme"}},
		{"dave", []string{"ftp-user", "add", "--customer=acme", "--data", in.data, "dave"}},
		{"erin", []string{"ftp-user", "add", "--data", in.data, "erin", "-customer", "acme"}},
	} {
		// in.cli adds --data DIR at the end as well; the same directory either way.
		in.mustCLI(tc.name+"-password\n", tc.args...)
	}
	db := in.openDB()
	if !panelLogin(t, db, "acme", "acme-password") || !panelLogin(t, db, "ops", "ops-password") {
		t.Error("the customer or the admin is missing")
	}
	for _, login := range []string{"bob", "carol", "dave", "erin"} {
		if c := ftpAccount(t, db, login, login+"-password"); c != "acme" {
			t.Errorf("%s belongs to %q, want acme", login, c)
		}
		if info, err := os.Stat(in.home("acme", login)); err != nil || !info.IsDir() {
			t.Errorf("%s has no home directory: %v", login, err)
		}
	}
}

func TestCLIHelp(t *testing.T) {
	t.Parallel()
	data := filepath.Join(t.TempDir(), "data")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--help"}, "ftp-user add LOGIN --customer NAME"},
		{[]string{"help"}, "customer add NAME"},
		{[]string{"-h"}, "serve [--data DIR]"},
		{[]string{"serve", "--help"}, "--passive-ports"},
		{[]string{"customer", "--help"}, "customer add NAME"},
		{[]string{"customer", "add", "--help"}, "customer add NAME"},
		{[]string{"customer", "add", "acme", "-h"}, "customer add NAME"},
		{[]string{"admin", "help"}, "admin add NAME"},
		{[]string{"admin", "add", "--help"}, "admin add NAME"},
		{[]string{"ftp-user", "-help"}, "ftp-user add LOGIN --customer NAME"},
		{[]string{"ftp-user", "add", "--help"}, "the hosting customer"},
		{[]string{"ftp-user", "add", "bob", "--customer", "acme", "--help"}, "ftp-user add LOGIN --customer NAME"},
	} {
		var stdout, stderr syncBuffer
		// A cancelled context: a "serve" that ignored --help would stop at once,
		// and be caught by the data directory it created.
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		args := append([]string{"ftppanel"}, tc.args...)
		args = append(args, "--data", data)
		err := run(ctx, args, testEnv, strings.NewReader("some-password\n"), &stdout, &stderr)
		if err != nil {
			t.Errorf("%q: %v", tc.args, err)
		}
		out := stdout.String() + stderr.String()
		if !strings.Contains(out, "Usage:") || !strings.Contains(out, tc.want) {
			t.Errorf("%q printed no usage with %q:\n%s", tc.args, tc.want, out)
		}
	}
	if _, err := os.Stat(data); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("asking for help created the data directory: %v", err)
	}
}

func TestCLIBadCommandLines(t *testing.T) {
	t.Parallel()
	in := offline(t)
	out := in.mustFail("", []string{"frobnicate"}, `unknown command "frobnicate"`)
	if !strings.Contains(out, "Usage:") {
		t.Errorf("an unknown command should show the usage:\n%s", out)
	}
	if err := run(context.Background(), []string{"ftppanel"}, testEnv, strings.NewReader(""), &syncBuffer{}, &syncBuffer{}); err == nil {
		t.Error("ftppanel with no command succeeded")
	}
	for _, args := range [][]string{
		{"customer"},
		{"customer", "remove", "acme"},
		{"customer", "add"},
		{"customer", "add", "acme", "globex"},
		{"customer", "add", "--bogus", "acme"},
		{"admin", "delete", "ops"},
		{"ftp-user", "add", "bob", "extra", "--customer", "acme"},
		{"serve", "extra"},
		{"serve", "--passive-ports", "100-50"},
	} {
		if _, err := in.cli("some-password\n", args...); err == nil {
			t.Errorf("ftppanel %q succeeded", args)
		}
	}
	if _, err := os.Stat(in.data); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("refused command lines created the data directory: %v", err)
	}
}

func TestCLIAddedFTPAccountLogsInToARunningServer(t *testing.T) {
	t.Parallel()
	in := start(t)
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	bob := in.ftpLogin("bob")
	if dir := pwd(t, bob); dir != "/" {
		t.Errorf("PWD = %q", dir)
	}
	// Another one, while bob is connected.
	in.addFTPUser("carol", "acme")
	if got := names(t, in.ftpLogin("carol"), "/"); len(got) != 0 {
		t.Errorf("carol's new home lists %v", got)
	}
	if err := bob.NoOp(); err != nil {
		t.Errorf("bob's session after adding carol: %v", err)
	}
}

// buildBinary builds the ftppanel command into a temporary directory.
func buildBinary(t *testing.T) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to build the binary with")
	}
	bin := filepath.Join(t.TempDir(), "ftppanel")
	if out, err := exec.Command(goTool, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestMainExitStatus checks what scripts see: 1 on an error, 0 for --help.
func TestMainExitStatus(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	data := filepath.Join(t.TempDir(), "data")
	for _, tc := range []struct {
		args []string
		code int
		want string // in the output
	}{
		{[]string{"customer", "add", "", "--data", data}, 1, "ftppanel: customer name must not be empty"},
		{[]string{"frobnicate"}, 1, `ftppanel: unknown command "frobnicate"`},
		{[]string{"--help"}, 0, "Usage:"},
		{[]string{"ftp-user", "add", "--help"}, 0, "Usage:"},
	} {
		cmd := exec.Command(bin, tc.args...)
		cmd.Env = append(os.Environ(), costEnv+"=4")
		cmd.Stdin = strings.NewReader("some-password\n")
		var stdout, stderr strings.Builder
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		var exit *exec.ExitError
		code := 0
		if errors.As(err, &exit) {
			code = exit.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if code != tc.code {
			t.Errorf("ftppanel %q exited %d, want %d\n%s%s", tc.args, code, tc.code, stdout.String(), stderr.String())
		}
		if out := stdout.String() + stderr.String(); !strings.Contains(out, tc.want) {
			t.Errorf("ftppanel %q: output lacks %q:\n%s", tc.args, tc.want, out)
		}
	}
}
