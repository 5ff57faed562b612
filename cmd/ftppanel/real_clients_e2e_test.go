package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// needTool skips a test whose real-world client is missing, except under CI, which
// installs them (.ci/run): there a missing client fails the test.
func needTool(t testing.TB, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		missing(t, "real-client test", fmt.Sprintf("%s is not installed (.ci/run installs it): %v", name, err))
	}
	return path
}

// missing stops a test that lacks a tool it needs: skipped on a developer's
// machine, failed under CI, where .ci/run installs every tool.
func missing(t testing.TB, what, why string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatal(what + " cannot run under CI: " + why)
	}
	t.Skip(what + " skipped: " + why)
}

// stopRecorder stands in for a test, to see whether a helper skips or fails it.
type stopRecorder struct {
	testing.TB
	skipped, failed bool
}

func (r *stopRecorder) Helper()               {}
func (r *stopRecorder) Skip(...any)           { r.skipped = true; runtime.Goexit() }
func (r *stopRecorder) Skipf(string, ...any)  { r.skipped = true; runtime.Goexit() }
func (r *stopRecorder) Fatal(...any)          { r.failed = true; runtime.Goexit() }
func (r *stopRecorder) Fatalf(string, ...any) { r.failed = true; runtime.Goexit() }

// TestNeedToolFailsUnderCI: a missing client skips its test on a workstation,
// but fails it under CI, where a skipped test would go unnoticed.
func TestNeedToolFailsUnderCI(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	for _, ci := range []string{"", "true"} {
		t.Setenv("CI", ci)
		rec := &stopRecorder{TB: t}
		done := make(chan struct{})
		go func() {
			defer close(done)
			needTool(rec, "curl")
		}()
		<-done
		if want := ci != ""; rec.failed != want || rec.skipped == want {
			t.Errorf("CI=%q, curl missing: failed %v, skipped %v; want failed %v", ci, rec.failed, rec.skipped, want)
		}
	}
}

// TestCurlTransfersEndCleanly guards against the reset used for disconnects leaking
// into ordinary transfers: curl must download and list without an error.
func TestCurlTransfersEndCleanly(t *testing.T) {
	t.Parallel()
	curl := needTool(t, "curl")
	in := start(t)
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	writeFile(t, filepath.Join(in.home("acme", "bob"), "site.tar"), 3<<20)
	want, err := os.ReadFile(filepath.Join(in.home("acme", "bob"), "site.tar"))
	if err != nil {
		t.Fatal(err)
	}
	base := "ftp://bob:bob-password@" + in.ftpAddr + "/"
	for i := 0; i < 5; i++ {
		out, err := exec.Command(curl, "--silent", "--show-error", "--max-time", "30", base+"site.tar").Output()
		if err != nil {
			t.Fatalf("curl download %d: %v", i, err)
		}
		if !bytes.Equal(out, want) {
			t.Fatalf("curl download %d: got %d bytes, want %d", i, len(out), len(want))
		}
		listing, err := exec.Command(curl, "--silent", "--show-error", "--max-time", "30", base).Output()
		if err != nil || !strings.Contains(string(listing), "site.tar") {
			t.Fatalf("curl listing %d: %v\n%s", i, err, listing)
		}
	}
	upload := filepath.Join(t.TempDir(), "index.html")
	if err := os.WriteFile(upload, []byte("<h1>hello</h1>\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(curl, "--silent", "--show-error", "--max-time", "30", "-T", upload, base).CombinedOutput(); err != nil {
		t.Fatalf("curl upload: %v\n%s", err, out)
	}
	if got, _ := os.ReadFile(filepath.Join(in.home("acme", "bob"), "index.html")); string(got) != "<h1>hello</h1>\n" {
		t.Errorf("uploaded file = %q", got)
	}
}

// TestLftpMirrorsASite drives the server the way site owners deploy: lftp mirrors a
// local directory tree up, then back down.
func TestLftpMirrorsASite(t *testing.T) {
	t.Parallel()
	lftp := needTool(t, "lftp")
	in := start(t)
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	local := t.TempDir()
	files := map[string]string{
		"index.html":      "<h1>home</h1>\n",
		"css/site.css":    "body{}\n",
		"img/logo.txt":    strings.Repeat("logo", 10000),
		"blog/2026/a.txt": "first post\n",
	}
	for name, body := range files {
		path := filepath.Join(local, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	back := t.TempDir()
	script := "set ftp:passive-mode on; set net:max-retries 1; set net:timeout 20; set cmd:fail-exit yes; " +
		"open -u bob,bob-password ftp://" + in.ftpAddr + "; " +
		"mirror --reverse " + local + " /site; mirror /site " + back + "; quit"
	if out, err := exec.Command(lftp, "-c", script).CombinedOutput(); err != nil {
		t.Fatalf("lftp: %v\n%s", err, out)
	}
	for name, body := range files {
		for _, root := range []string{filepath.Join(in.home("acme", "bob"), "site"), back} {
			got, err := os.ReadFile(filepath.Join(root, name))
			if err != nil || string(got) != body {
				t.Errorf("%s under %s: %v, %d bytes, want %d", name, root, err, len(got), len(body))
			}
		}
	}
}
