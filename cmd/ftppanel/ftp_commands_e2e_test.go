package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
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
