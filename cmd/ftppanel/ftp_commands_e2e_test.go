package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ftppanel/ftppanel/internal/store"
)

// want sends a command and reports, without stopping the test, a reply whose code
// is not code; it returns the reply's text.
func (r *rawFTP) want(code int, format string, args ...any) string {
	r.t.Helper()
	got, msg := r.reply(format, args...)
	if got != code {
		r.t.Errorf("%.80s: reply %d %q, want %d", fmt.Sprintf(format, args...), got, msg, code)
	}
	return msg
}

func TestFailedRenameLeavesNothingPending(t *testing.T) {
	in := start(t)
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	home := in.home("acme", "bob")
	writeFile(t, filepath.Join(home, "a.txt"), 10)
	r := in.rawDial()
	r.login("bob")

	// A refused RNTO ends the rename: a later RNTO has no source.
	r.want(350, "RNFR a.txt")
	r.want(550, "RNTO nodir/x")
	r.want(503, "RNTO renamed.txt")

	// A refused RNFR drops the source an earlier RNFR named.
	r.want(350, "RNFR a.txt")
	r.want(550, "RNFR missing.txt")
	r.want(503, "RNTO renamed.txt")

	// The sequence that renamed a.txt behind the user's back.
	r.want(350, "RNFR a.txt")
	r.want(550, "RNTO nodir/x")
	r.want(550, "RNFR missing.txt")
	r.want(503, "RNTO renamed.txt")

	if info, err := os.Stat(filepath.Join(home, "a.txt")); err != nil || info.Size() != 10 {
		t.Errorf("a.txt after refused renames: %v", err)
	}
	if _, err := os.Stat(filepath.Join(home, "renamed.txt")); err == nil {
		t.Error("renamed.txt exists: a refused rename was carried out by a later RNTO")
	}

	// A rename that works still works, and leaves nothing pending either.
	r.want(350, "RNFR a.txt")
	r.want(250, "RNTO b.txt")
	r.want(503, "RNTO c.txt")
	if _, err := os.Stat(filepath.Join(home, "b.txt")); err != nil {
		t.Errorf("b.txt after RNFR a.txt, RNTO b.txt: %v", err)
	}
	if _, err := os.Stat(filepath.Join(home, "c.txt")); err == nil {
		t.Error("c.txt exists: a second RNTO renamed the file again")
	}
}

// TestRestartOffsetsStayInsideTheFile checks REST: an upload resumes inside the
// file as it is, never past its end (which left a sparse file of any size).
func TestRestartOffsetsStayInsideTheFile(t *testing.T) {
	in := start(t)
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	home := in.home("acme", "bob")
	if err := os.WriteFile(filepath.Join(home, "a.txt"), []byte("abc"), 0o640); err != nil {
		t.Fatal(err)
	}
	r := in.rawDial()
	r.login("bob")
	r.cmd(200, "TYPE I")

	for _, offset := range []string{"-1", "-1000000000", "abc", "1.5", "99999999999999999999"} {
		r.want(501, "REST %s", offset)
	}

	// upload sends a file with STOR or APPE and returns the transfer command's
	// first reply; a transfer that starts is finished.
	upload := func(command, content string) (int, string) {
		t.Helper()
		data := r.passiveData()
		code, msg := r.reply("%s", command)
		if code == 150 {
			data.Write([]byte(content))
			data.Close()
			r.expect(226)
		}
		return code, msg
	}
	// content is the start of a file in the home.
	content := func(name string) string {
		t.Helper()
		f, err := os.Open(filepath.Join(home, name))
		if err != nil {
			return "(" + err.Error() + ")"
		}
		defer f.Close()
		got, _ := io.ReadAll(io.LimitReader(f, 64))
		return string(got)
	}

	r.want(350, "REST 1000000000")
	if code, msg := upload("STOR a.txt", "xyz"); code != 554 {
		t.Errorf("STOR a.txt after REST 1000000000: reply %d %q, want 554", code, msg)
	}
	if info, err := os.Stat(filepath.Join(home, "a.txt")); err != nil || info.Size() != 3 {
		t.Fatalf("a.txt after a refused resume past its end: %d bytes (%v), want its 3", info.Size(), err)
	}
	r.want(350, "REST 4")
	if code, msg := upload("STOR a.txt", "xyz"); code != 554 {
		t.Errorf("STOR a.txt after REST 4: reply %d %q, want 554", code, msg)
	}
	r.want(350, "REST 5")
	if code, msg := upload("STOR new.txt", "xyz"); code/100 != 5 {
		t.Errorf("STOR new.txt after REST 5: reply %d %q, want it refused", code, msg)
	}
	if _, err := os.Stat(filepath.Join(home, "new.txt")); err == nil {
		t.Errorf("a refused resume of a missing file created it: %q", content("new.txt"))
	}

	// The refusals forget the offset; resuming inside the file works as before.
	if code, msg := upload("STOR b.txt", "hello"); code != 150 {
		t.Errorf("STOR b.txt: reply %d %q, want 150", code, msg)
	}
	if got := content("b.txt"); got != "hello" {
		t.Errorf("b.txt = %q after a plain STOR after refused resumes, want %q", got, "hello")
	}
	r.want(350, "REST 3")
	if code, msg := upload("STOR a.txt", "def"); code != 150 {
		t.Errorf("STOR a.txt after REST 3: reply %d %q, want 150", code, msg)
	}
	r.want(350, "REST 1")
	if code, msg := upload("STOR a.txt", "B"); code != 150 {
		t.Errorf("STOR a.txt after REST 1: reply %d %q, want 150", code, msg)
	}
	if got := content("a.txt"); got != "aBcdef" {
		t.Errorf("a.txt = %q after resuming at 3 and at 1, want %q", got, "aBcdef")
	}

	// A download resumed at or past the end sends nothing and succeeds.
	for _, offset := range []int{6, 100} {
		r.want(350, "REST %d", offset)
		data := r.passiveData()
		r.cmd(150, "RETR a.txt")
		data.SetReadDeadline(time.Now().Add(10 * time.Second))
		got, err := io.ReadAll(data)
		if err != nil || len(got) != 0 {
			t.Errorf("RETR a.txt after REST %d: %q, %v; want nothing", offset, got, err)
		}
		r.expect(226)
	}
	r.want(350, "REST 4")
	data := r.passiveData()
	r.cmd(150, "RETR a.txt")
	data.SetReadDeadline(time.Now().Add(10 * time.Second))
	if got, err := io.ReadAll(data); err != nil || string(got) != "ef" {
		t.Errorf("RETR a.txt after REST 4: %q, %v; want %q", got, err, "ef")
	}
	r.expect(226)

	// The session's history counts the three uploads made, not the refused ones.
	r.cmd(221, "QUIT")
	var entries []store.HistoryEntry
	waitFor(t, "the session in the history", func() bool {
		entries = in.history()
		return len(entries) == 1
	})
	if e := entries[0]; e.FilesUp != 3 || e.FilesDown != 3 {
		t.Errorf("history: %d files up, %d down; want 3 and 3", e.FilesUp, e.FilesDown)
	}
}

func TestSTATOfADirectoryListsItsEntries(t *testing.T) {
	in := start(t)
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	home := in.home("acme", "bob")
	if err := os.Mkdir(filepath.Join(home, "sub"), 0o750); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(home, "sub", "one.txt"), 1)
	writeFile(t, filepath.Join(home, "sub", "two.txt"), 2)
	r := in.rawDial()
	r.login("bob")

	msg := r.cmd(212, "STAT sub")
	lines := strings.Split(msg, "\n")
	var entries []string
	for _, line := range lines[1 : len(lines)-1] {
		if !strings.HasPrefix(line, " -rw") && !strings.HasPrefix(line, " drw") {
			t.Errorf("STAT sub: line %q is not a listing entry", line)
		}
		entries = append(entries, line[strings.LastIndexByte(line, ' ')+1:])
	}
	slices.Sort(entries)
	if strings.Join(entries, " ") != "one.txt two.txt" {
		t.Errorf("STAT sub lists %q, want one.txt and two.txt:\n%s", entries, msg)
	}
	if strings.Contains(msg, "%") {
		t.Errorf("STAT sub has a format verb in it:\n%s", msg)
	}
	if msg := r.cmd(213, "STAT sub/one.txt"); !strings.Contains(msg, "\n -rw") || !strings.HasSuffix(msg, "End") {
		t.Errorf("STAT sub/one.txt:\n%s", msg)
	}
}

func TestOverlongCommandIsRefusedAndTheSessionGoesOn(t *testing.T) {
	in := start(t)
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")

	// Before login, too: the line is read before anything else is decided.
	r := in.rawDial()
	r.want(500, "USER %s", strings.Repeat("b", 5000))
	r.login("bob")
	for _, n := range []int{4096, 5000, 300_000} {
		msg := r.want(500, "NOOP %s", strings.Repeat("x", n))
		if msg != "Command line too long" {
			t.Errorf("NOOP with %d bytes: reply %q", n, msg)
		}
		// Nothing of the long line is taken for a command of its own.
		r.cmd(257, "PWD")
	}
	r.cmd(200, "NOOP")
	waitFor(t, "the long lines in the log", func() bool {
		return strings.Count(in.stderr.String(), "Command line too long") >= 4
	})
}

// goErrorText is what Go error strings and library internals look like in a reply.
var goErrorText = []string{
	"error", "strconv", "driver", "calling", "parsing", "syntax", "syscall", "%!", "%s",
	"<nil>", "no such file", "permission denied", "file does not exist", "unable to", "invalid argument",
}

// pathError is the shape of a Go *fs.PathError: "open /a/b: ...".
var pathError = regexp.MustCompile(`\b(open|stat|lstat|mkdir|remove|rename|chtimes|readdirent|list) /\S*: `)

// TestFailingCommandsSayWhatWentWrongPlainly sends commands that fail and checks
// each reply says why in plain words, with no Go error text and no server path.
func TestFailingCommandsSayWhatWentWrongPlainly(t *testing.T) {
	in := start(t)
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	home := in.home("acme", "bob")
	writeFile(t, filepath.Join(home, "a.txt"), 10)
	for _, dir := range []string{"sub", "full"} {
		if err := os.Mkdir(filepath.Join(home, dir), 0o750); err != nil {
			t.Fatal(err)
		}
	}
	writeFile(t, filepath.Join(home, "full", "f.txt"), 1)
	if err := os.Symlink(in.data, filepath.Join(home, "escape")); err != nil {
		t.Fatal(err)
	}
	r := in.rawDial()
	r.login("bob")
	r.cmd(200, "TYPE I")

	for _, tc := range []struct {
		cmd  string
		code int
		say  string // the reply contains this
	}{
		{"REST abc", 501, "Invalid restart offset"},
		{"REST -1", 501, "Invalid restart offset"},
		{"ALLO lots", 501, "Invalid size"},
		{"RETR missing.txt", 550, "No such file or directory"},
		{"RETR sub", 550, "Is a directory"},
		{"RETR escape/ftppanel.db", 550, "Permission denied"},
		{"STOR nodir/x.txt", 550, "No such file or directory"},
		{"STOR sub", 550, "Is a directory"},
		{"APPE sub", 550, "Is a directory"},
		{"RETR a.txt", 550, "PASV"}, // no data connection asked for
		{"CWD missing", 550, "No such file or directory"},
		{"CWD a.txt", 550, "Not a directory"},
		{"CWD escape", 550, "Permission denied"},
		{"MKD sub", 550, "File exists"},
		{"MKD nodir/new", 550, "No such file or directory"},
		{"RMD missing", 550, "No such file or directory"},
		{"RMD full", 550, "Directory not empty"},
		{"DELE missing.txt", 550, "No such file or directory"},
		{"SIZE missing.txt", 550, "No such file or directory"},
		{"MDTM missing.txt", 550, "No such file or directory"},
		{"MFMT 2020 a.txt", 501, "mtime"},
		{"MFMT 20200101000000 missing.txt", 550, "No such file or directory"},
		{"RNFR missing.txt", 550, "No such file or directory"},
		{"STAT missing", 450, "No such file or directory"},
		{"MLST missing", 550, "No such file or directory"},
		{"LIST missing", 450, "No such file or directory"},
		{"NLST missing", 450, "No such file or directory"},
		{"MLSD missing", 550, "No such file or directory"},
		{"MLSD a.txt", 550, "Not a directory"},
		{"RNFR a.txt", 350, ""},
		{"RNTO nodir/x", 550, "No such file or directory"},
	} {
		msg := r.want(tc.code, "%s", tc.cmd)
		if !strings.Contains(msg, tc.say) {
			t.Errorf("%s: reply %q does not say %q", tc.cmd, msg, tc.say)
		}
		for _, bad := range goErrorText {
			if strings.Contains(msg, bad) {
				t.Errorf("%s: reply %q has Go error text in it (%q)", tc.cmd, msg, bad)
			}
		}
		if pathError.MatchString(msg) {
			t.Errorf("%s: reply %q quotes a Go file system error", tc.cmd, msg)
		}
		in.checkNoLeak(t, tc.cmd, msg)
	}
	r.cmd(200, "NOOP")
	if got, err := os.ReadFile(filepath.Join(home, "a.txt")); err != nil || !bytes.Equal(got, []byte("abcdefghij")) {
		t.Errorf("a.txt after the failed commands: %q, %v", got, err)
	}
}

// TestFEATOffersOnlyWhatWorks: active mode is off, so FEAT does not offer EPRT.
func TestFEATOffersOnlyWhatWorks(t *testing.T) {
	in := start(t)
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	r := in.rawDial()
	features := func() []string {
		t.Helper()
		var features []string
		for _, line := range strings.Split(r.cmd(211, "FEAT"), "\n") {
			if strings.HasPrefix(line, " ") {
				features = append(features, strings.TrimSpace(line))
			}
		}
		return features
	}
	before := features()
	r.login("bob")
	for _, got := range [][]string{before, features()} {
		for _, f := range []string{"EPRT", "PORT"} {
			if slices.Contains(got, f) {
				t.Errorf("FEAT offers %s, which is refused: %q", f, got)
			}
		}
		for _, f := range []string{"EPSV", "SIZE", "REST STREAM", "UTF8"} {
			if !slices.Contains(got, f) {
				t.Errorf("FEAT lacks %s: %q", f, got)
			}
		}
	}
	// What FEAT leaves out is refused indeed.
	if code, msg := r.reply("EPRT |1|127.0.0.1|40000|"); code != 421 && code/100 != 5 {
		t.Errorf("EPRT: reply %d %q, want it refused", code, msg)
	}
}
