package main

import (
	"bytes"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jlaffaye/ftp"
)

// reply sends a command and returns the reply's code and text, whatever the code.
func (r *rawFTP) reply(format string, args ...any) (int, string) {
	r.t.Helper()
	if err := r.text.PrintfLine(format, args...); err != nil {
		r.t.Fatalf("send %q: %v", format, err)
	}
	r.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	code, msg, err := r.text.ReadResponse(0)
	if err != nil {
		r.t.Fatalf("reply to %q: %v", format, err)
	}
	return code, msg
}

// names lists a directory through FTP and returns the entry names, sorted.
func names(t *testing.T, c *ftp.ServerConn, dir string) []string {
	t.Helper()
	entries, err := c.List(dir)
	if err != nil {
		t.Fatalf("LIST %s: %v", dir, err)
	}
	var out []string
	for _, e := range entries {
		if e.Name != "." && e.Name != ".." {
			out = append(out, e.Name)
		}
	}
	slices.Sort(out)
	return out
}

// retrieve downloads a file; the error is the server's refusal, if any.
func retrieve(c *ftp.ServerConn, name string) ([]byte, error) {
	r, err := c.Retr(name)
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(r)
	if errClose := r.Close(); err == nil {
		err = errClose
	}
	return data, err
}

func pwd(t *testing.T, c *ftp.ServerConn) string {
	t.Helper()
	dir, err := c.CurrentDir()
	if err != nil {
		t.Fatalf("PWD: %v", err)
	}
	return dir
}

// realPaths are the spellings of the data directory a leak could show.
func (in *instance) realPaths() []string {
	paths := []string{in.data}
	if resolved, err := filepath.EvalSymlinks(in.data); err == nil && resolved != in.data {
		paths = append(paths, resolved)
	}
	return paths
}

// checkNoLeak fails if text names the real data directory.
func (in *instance) checkNoLeak(t *testing.T, what, text string) {
	t.Helper()
	for _, p := range in.realPaths() {
		if strings.Contains(text, p) {
			t.Errorf("%s reveals the server's data directory %s: %q", what, p, text)
		}
	}
}

func TestFTPAccountLandsInItsOwnHome(t *testing.T) {
	t.Parallel()
	in := start(t)
	in.addCustomer("acme")
	in.addCustomer("globex")
	in.addFTPUser("bob", "acme")
	in.addFTPUser("bobby", "acme") // same customer, still another account
	in.addFTPUser("carol", "globex")
	writeFile(t, filepath.Join(in.home("acme", "bob"), "bob.txt"), 10)
	if err := os.Mkdir(filepath.Join(in.home("acme", "bob"), "sub"), 0o750); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(in.home("acme", "bobby"), "bobby.txt"), 20)
	writeFile(t, filepath.Join(in.home("globex", "carol"), "carol.txt"), 30)

	bob := in.ftpLogin("bob")
	if dir := pwd(t, bob); dir != "/" {
		t.Errorf("PWD after login = %q, want /", dir)
	}
	if got := names(t, bob, "/"); !slices.Equal(got, []string{"bob.txt", "sub"}) {
		t.Errorf("bob's home lists %v, want [bob.txt sub]", got)
	}
	if got := names(t, in.ftpLogin("carol"), ""); !slices.Equal(got, []string{"carol.txt"}) {
		t.Errorf("carol's home lists %v, want [carol.txt]", got)
	}
	if got := names(t, in.ftpLogin("bobby"), ""); !slices.Equal(got, []string{"bobby.txt"}) {
		t.Errorf("bobby's home lists %v, want [bobby.txt]", got)
	}

	t.Run("climbing out stays at the home's root", func(t *testing.T) {
		for _, up := range []string{"..", "../..", "/..", "../../../..", "sub/../.."} {
			if err := bob.ChangeDir(up); err != nil {
				t.Errorf("CWD %s: %v", up, err)
			}
			if dir := pwd(t, bob); dir != "/" {
				t.Errorf("PWD after CWD %s = %q, want /", up, dir)
			}
			if got := names(t, bob, ""); !slices.Equal(got, []string{"bob.txt", "sub"}) {
				t.Errorf("after CWD %s the listing is %v, not bob's home", up, got)
			}
		}
		if err := bob.ChangeDir("sub"); err != nil {
			t.Fatal(err)
		}
		if err := bob.ChangeDirToParent(); err != nil {
			t.Fatalf("CDUP from /sub: %v", err)
		}
		if err := bob.ChangeDirToParent(); err != nil {
			t.Fatalf("CDUP at the root: %v", err)
		}
		if dir := pwd(t, bob); dir != "/" {
			t.Errorf("PWD after CDUP twice from /sub = %q, want /", dir)
		}
	})

	t.Run("files outside the home cannot be read", func(t *testing.T) {
		if err := bob.ChangeDir("sub"); err != nil {
			t.Fatal(err)
		}
		defer bob.ChangeDir("/")
		for _, name := range []string{
			"../../ftppanel.db",
			"/../../ftppanel.db",
			"../../../../ftppanel.db",
			"/../../../../ftppanel.db",
			"../../bobby/bobby.txt",
			"../../../globex/carol/carol.txt",
			"/../carol/carol.txt",
			"carol.txt",
			"/carol.txt",
		} {
			if data, err := retrieve(bob, name); err == nil {
				t.Errorf("RETR %s from /sub succeeded with %d bytes", name, len(data))
			}
		}
		if got := names(t, bob, "../.."); !slices.Equal(got, []string{"bob.txt", "sub"}) {
			t.Errorf("LIST ../.. from /sub shows %v, want bob's home", got)
		}
	})

	// Going up past the root and down again stays inside the home.
	if data, err := retrieve(bob, "/sub/../../bob.txt"); err != nil || len(data) != 10 {
		t.Errorf("RETR /sub/../../bob.txt: %d bytes, %v; want bob's own 10-byte file", len(data), err)
	}
}

// TestSymlinksOutOfTheHomeLeadNowhere places links in a home, as a careless
// operator or an unpacked archive could, and checks FTP does not follow them out.
func TestSymlinksOutOfTheHomeLeadNowhere(t *testing.T) {
	t.Parallel()
	in := start(t)
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	home := in.home("acme", "bob")
	outside := t.TempDir()
	secret := []byte("a secret outside every home\n")
	if err := os.WriteFile(filepath.Join(outside, "secret.txt"), secret, 0o640); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(in.data, "ftppanel.db")
	dbBefore, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	for link, target := range map[string]string{
		"data":       in.data,                                        // absolute, to a directory
		"data-rel":   filepath.Join("..", "..", ".."),                // relative, to the same directory
		"db.lnk":     db,                                             // absolute, to the database file
		"db-rel.lnk": filepath.Join("..", "..", "..", "ftppanel.db"), // relative, to the database file
		"secret.lnk": filepath.Join(outside, "secret.txt"),           // to a file outside the data directory
		"outside":    outside,                                        // to a directory outside the data directory
	} {
		if err := os.Symlink(target, filepath.Join(home, link)); err != nil {
			t.Fatal(err)
		}
	}
	c := in.ftpLogin("bob")

	for _, name := range []string{
		"db.lnk", "db-rel.lnk", "secret.lnk",
		"data/ftppanel.db", "data-rel/ftppanel.db", "outside/secret.txt",
		"/data/home/acme/bob/db.lnk",
	} {
		data, err := retrieve(c, name)
		if err == nil {
			t.Errorf("RETR %s read %d bytes from outside the home", name, len(data))
		}
		if bytes.Contains(data, secret) || bytes.HasPrefix(data, []byte("SQLite format")) {
			t.Errorf("RETR %s delivered the file outside the home", name)
		}
	}
	for _, dir := range []string{"data", "data-rel", "outside", "data/home", "outside/."} {
		if entries, err := c.List(dir); err == nil {
			var got []string
			for _, e := range entries {
				got = append(got, e.Name)
			}
			t.Errorf("LIST %s listed %v", dir, got)
		}
		if entries, err := c.NameList(dir); err == nil && len(entries) > 0 {
			t.Errorf("NLST %s listed %v", dir, entries)
		}
		if err := c.ChangeDir(dir); err == nil {
			t.Errorf("CWD %s succeeded", dir)
			c.ChangeDir("/")
		}
	}
	for _, name := range []string{"db.lnk", "secret.lnk"} {
		if size, err := c.FileSize(name); err == nil {
			t.Errorf("SIZE %s = %d: the size of a file outside the home", name, size)
		}
	}

	t.Run("writes through links do not reach outside", func(t *testing.T) {
		for _, name := range []string{"secret.lnk", "db.lnk", "outside/new.txt", "data/new.txt"} {
			if err := c.Stor(name, strings.NewReader("overwritten")); err == nil {
				t.Errorf("STOR %s succeeded", name)
			}
		}
		for _, name := range []string{"outside/secret.txt", "data/ftppanel.db"} {
			if err := c.Delete(name); err == nil {
				t.Errorf("DELE %s succeeded", name)
			}
		}
		if err := c.MakeDir("outside/made"); err == nil {
			t.Error("MKD outside/made succeeded")
		}
		if err := c.Rename("outside/secret.txt", "stolen.txt"); err == nil {
			t.Error("RNFR outside/secret.txt, RNTO stolen.txt succeeded")
		}
		writeFile(t, filepath.Join(home, "mine.txt"), 5)
		if err := c.Rename("mine.txt", "outside/dropped.txt"); err == nil {
			t.Error("RNFR mine.txt, RNTO outside/dropped.txt succeeded")
		}

		if got, err := os.ReadFile(filepath.Join(outside, "secret.txt")); err != nil || !bytes.Equal(got, secret) {
			t.Errorf("the file outside was changed or removed: %q, %v", got, err)
		}
		if got, err := os.ReadFile(db); err != nil || !bytes.HasPrefix(got, dbBefore[:16]) {
			t.Errorf("the database file was changed or removed: %v", err)
		}
		for _, p := range []string{
			filepath.Join(outside, "new.txt"), filepath.Join(outside, "made"), filepath.Join(outside, "dropped.txt"),
			filepath.Join(in.data, "new.txt"), filepath.Join(home, "stolen.txt"),
		} {
			if _, err := os.Lstat(p); err == nil {
				t.Errorf("%s was created through FTP", p)
			}
		}
		if _, err := os.Stat(filepath.Join(home, "mine.txt")); err != nil {
			t.Errorf("mine.txt left the home on a refused rename: %v", err)
		}
	})

	// The links themselves are the account's own entries: listing the home works.
	if got := names(t, c, "/"); !slices.Contains(got, "db.lnk") {
		t.Errorf("the home's listing %v lacks its own entries", got)
	}
}

func TestFTPRepliesNeverNameTheDataDirectory(t *testing.T) {
	t.Parallel()
	in := start(t)
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	home := in.home("acme", "bob")
	writeFile(t, filepath.Join(home, "own.txt"), 10)
	if err := os.Mkdir(filepath.Join(home, "sub"), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(in.data, filepath.Join(home, "escape")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(in.data, "ftppanel.db"), filepath.Join(home, "db.lnk")); err != nil {
		t.Fatal(err)
	}

	r := in.rawDial()
	r.login("bob")
	for _, tc := range []struct {
		cmd  string
		code int // the first digit of the wanted reply
	}{
		{"RETR missing.txt", 5},
		{"RETR ../../ftppanel.db", 5},
		{"RETR /../../ftppanel.db", 5},
		{"RETR db.lnk", 5},
		{"RETR escape/ftppanel.db", 5},
		{"STOR sub", 5},
		{"STOR escape/new.txt", 5},
		{"APPE db.lnk", 5},
		{"CWD missing", 5},
		{"CWD escape", 5},
		{"CWD own.txt", 5},
		{"CWD ../../../home", 5},
		{"DELE missing.txt", 5},
		{"DELE escape/ftppanel.db", 5},
		{"DELE ../../../home/acme/bob/own.txt", 5},
		{"RMD missing", 5},
		{"RMD escape/home", 5},
		{"MKD escape/new", 5},
		{"MKD missing/new", 5},
		{"MKD own.txt", 5},
		{"SIZE missing.txt", 5},
		{"SIZE db.lnk", 5},
		{"MDTM db.lnk", 5},
		{"RNFR missing.txt", 5},
		{"RNFR escape/ftppanel.db", 5},
		{"RNFR own.txt", 3},
		{"RNTO missing/new.txt", 5},
		{"RNFR own.txt", 3},
		{"RNTO escape/new.txt", 5},
		{"MLST db.lnk", 5},
		{"STAT escape", 0},
	} {
		code, msg := r.reply("%s", tc.cmd)
		if tc.code != 0 && code/100 != tc.code {
			t.Errorf("%s: reply %d %q, want %dxx", tc.cmd, code, msg, tc.code)
		}
		in.checkNoLeak(t, tc.cmd, msg)
		if strings.Contains(msg, "ftppanel.db") && !strings.Contains(tc.cmd, "ftppanel.db") {
			t.Errorf("%s: reply lists the data directory: %q", tc.cmd, msg)
		}
	}
	if _, err := os.Stat(filepath.Join(home, "own.txt")); err != nil {
		t.Errorf("own.txt was lost by refused renames: %v", err)
	}
	for _, p := range []string{filepath.Join(in.data, "new"), filepath.Join(in.data, "new.txt")} {
		if _, err := os.Lstat(p); err == nil {
			t.Errorf("%s was created through FTP", p)
		}
	}

	t.Run("a transfer failing after it started", func(t *testing.T) {
		// RETR of a directory opens fine and fails on the first read: the error
		// the system gives then names the real file.
		c := in.ftpLogin("bob")
		data, err := retrieve(c, "sub")
		if err == nil {
			t.Errorf("RETR of a directory succeeded with %d bytes", len(data))
		} else {
			in.checkNoLeak(t, "RETR sub", err.Error())
		}
	})
	r.cmd(200, "NOOP")
}

func TestSiteCommandsAndActiveModeAreRefused(t *testing.T) {
	t.Parallel()
	in := start(t)
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	home := in.home("acme", "bob")
	x := filepath.Join(home, "x")
	if err := os.WriteFile(x, []byte("x"), 0o640); err != nil {
		t.Fatal(err)
	}
	r := in.rawDial()
	r.login("bob")

	r.cmd(5, "SITE CHMOD 777 x")
	if info, err := os.Stat(x); err != nil || info.Mode().Perm() != 0o640 {
		t.Errorf("after a refused SITE CHMOD, x is %v (%v), want -rw-r-----", info.Mode(), err)
	}
	r.cmd(5, "SITE SYMLINK /x link")
	r.cmd(5, "SITE SYMLINK ../../../ftppanel.db link2")
	for _, link := range []string{"link", "link2"} {
		if _, err := os.Lstat(filepath.Join(home, link)); err == nil {
			t.Errorf("a refused SITE SYMLINK created %s", link)
		}
	}
	r.cmd(200, "NOOP")

	for _, cmd := range []string{"PORT 127,0,0,1,156,64", "EPRT |1|127.0.0.1|40000|", "EPRT |2|::1|40000|"} {
		code, msg := r.reply("%s", cmd)
		if code != 421 && code/100 != 5 {
			t.Errorf("%s: reply %d %q, want it refused (421 or 5xx)", cmd, code, msg)
		}
		r.cmd(200, "NOOP")
	}
	// The same session still transfers in passive mode.
	r.cmd(200, "TYPE I")
	data := r.passiveData()
	r.cmd(150, "RETR x")
	data.SetReadDeadline(time.Now().Add(10 * time.Second))
	got, err := io.ReadAll(data)
	if err != nil || string(got) != "x" {
		t.Errorf("passive RETR after the refusals: %q, %v", got, err)
	}
	r.expect(226)
}

func TestUploadThenDownloadRoundTrips(t *testing.T) {
	t.Parallel()
	in := start(t)
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	c := in.ftpLogin("bob")
	if err := c.MakeDir("dir"); err != nil {
		t.Fatal(err)
	}

	big := make([]byte, 3<<20+17)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range big {
		big[i] = byte(rng.Uint32())
	}
	for _, tc := range []struct {
		name    string
		content []byte
	}{
		{"empty.bin", nil},
		{"crlf.txt", []byte("one\r\ntwo\nthree\r\x00\xff\n")}, // line endings a text mode would rewrite
		{"dir/big.bin", big},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := tc.content
			if err := c.Stor(tc.name, bytes.NewReader(want)); err != nil {
				t.Fatalf("STOR: %v", err)
			}
			onDisk, err := os.ReadFile(filepath.Join(in.home("acme", "bob"), filepath.FromSlash(tc.name)))
			if err != nil {
				t.Fatalf("the upload is not in the home: %v", err)
			}
			if !bytes.Equal(onDisk, want) {
				t.Errorf("on disk: %d bytes differing from the %d sent", len(onDisk), len(want))
			}
			got, err := retrieve(c, tc.name)
			if err != nil {
				t.Fatalf("RETR: %v", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("downloaded %d bytes differing from the %d uploaded", len(got), len(want))
			}
			if size, err := c.FileSize(tc.name); err != nil || size != int64(len(want)) {
				t.Errorf("SIZE = %d, %v; want %d", size, err, len(want))
			}
		})
	}

	// Uploading again replaces the file rather than appending to it.
	if err := c.Stor("crlf.txt", strings.NewReader("short")); err != nil {
		t.Fatal(err)
	}
	if got, err := retrieve(c, "crlf.txt"); err != nil || string(got) != "short" {
		t.Errorf("after a second STOR: %q, %v", got, err)
	}
}

func TestFailedLoginsLookAlike(t *testing.T) {
	t.Parallel()
	in := start(t)
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")

	attempt := func(user, pass string) (string, string) {
		r := in.rawDial()
		userReply := r.cmd(331, "USER %s", user)
		return userReply, r.cmd(530, "PASS %s", pass)
	}
	wrongUser, wrongPass := attempt("bob", "not-bobs-password")
	unknownUser, unknownPass := attempt("nobody", "not-bobs-password")
	if wrongUser != unknownUser || wrongPass != unknownPass {
		t.Errorf("a wrong password and an unknown user can be told apart:\n  bob:    331 %q, 530 %q\n  nobody: 331 %q, 530 %q",
			wrongUser, wrongPass, unknownUser, unknownPass)
	}
	for _, msg := range []string{wrongPass, unknownPass} {
		if strings.Contains(msg, "bob") || strings.Contains(msg, "nobody") {
			t.Errorf("the refusal names the login: %q", msg)
		}
	}
	// The right password still works: the refusals were about the password.
	r := in.rawDial()
	r.login("bob")
	r.cmd(257, "PWD")
}
