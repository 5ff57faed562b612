package ftpd

import (
	"bytes"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jlaffaye/ftp"
)

// readLines is the transfer log's lines once it has n of them.
func readLines(t *testing.T, path string, n int) [][]string {
	t.Helper()
	var lines [][]string
	waitFor(t, "the transfer log's lines", func() bool {
		b, err := os.ReadFile(path)
		if err != nil {
			return false
		}
		lines = nil
		for l := range strings.Lines(string(b)) {
			lines = append(lines, strings.Fields(l))
		}
		return len(lines) >= n
	})
	if len(lines) != n {
		t.Fatalf("the transfer log has %d lines, want %d: %q", len(lines), n, lines)
	}
	return lines
}

// TestTransferLogLines: each transfer, finished or cut short, is a line in
// xferlog's format, its file name one field.
func TestTransferLogLines(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "xferlog")
	ts := startServer(t, func(c *Config) { c.TransferLog = path })
	ts.addAccount("bob")
	c := ts.login("bob")
	content := bytes.Repeat([]byte("line\n"), 1000)
	if err := c.Stor("my page.html", bytes.NewReader(content)); err != nil {
		t.Fatal(err)
	}
	if err := c.Type(ftp.TransferTypeASCII); err != nil {
		t.Fatal(err)
	}
	r, err := c.Retr("my page.html")
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, r)
	r.Close()

	// an upload cut short by ABOR
	c.Quit()
	raw := ts.dial()
	raw.login("bob")
	raw.cmd(200, "TYPE I")
	data := raw.dataConn()
	raw.cmd(150, "STOR cut.bin")
	data.Write(make([]byte, 1000))
	id := ts.sessionOf("bob")
	waitFor(t, "upload bytes to arrive", func() bool { return ts.snapshot(id).BytesUp >= 1000 })
	raw.cmd(426, "ABOR")
	raw.expect(226)
	data.Close()

	lines := readLines(t, path, 3)
	for i, want := range [][]string{
		{"5000", "/my_page.html", "b", "_", "i", "r", "bob", "ftp", "0", "*", "c"},
		{"5000", "/my_page.html", "a", "_", "o", "r", "bob", "ftp", "0", "*", "c"},
		{"1000", "/cut.bin", "b", "_", "i", "r", "bob", "ftp", "0", "*", "i"},
	} {
		f := lines[i]
		if len(f) != 18 {
			t.Fatalf("line %d has %d fields, want 18: %q", i+1, len(f), f)
		}
		if _, err := time.ParseInLocation("Mon Jan 2 15:04:05 2006", strings.Join(f[:5], " "), time.Local); err != nil {
			t.Errorf("line %d: the time: %v", i+1, err)
		}
		if f[5] != "1" || f[6] != "127.0.0.1" {
			t.Errorf("line %d: %s seconds from %s, want 1 from 127.0.0.1", i+1, f[5], f[6])
		}
		if got := strings.Join(f[7:], " "); got != strings.Join(want, " ") {
			t.Errorf("line %d ends %q, want %q", i+1, got, strings.Join(want, " "))
		}
	}
}

// TestTransferLogFollowsRotation: once logrotate has moved the file away, the
// next line goes to a new file at the path.
func TestTransferLogFollowsRotation(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "xferlog")
	ts := startServer(t, func(c *Config) { c.TransferLog = path })
	ts.addAccount("bob")
	c := ts.login("bob")
	if err := c.Stor("one", strings.NewReader("1")); err != nil {
		t.Fatal(err)
	}
	readLines(t, path, 1)
	if err := os.Rename(path, path+".1"); err != nil {
		t.Fatal(err)
	}
	if err := c.Stor("two", strings.NewReader("2")); err != nil {
		t.Fatal(err)
	}
	if l := readLines(t, path, 1); l[0][8] != "/two" {
		t.Errorf("the new file has %q, want the second upload", l)
	}
	if l := readLines(t, path+".1", 1); l[0][8] != "/one" {
		t.Errorf("the moved file has %q, want the first upload only", l)
	}
}

// TestTransferLogWrittenWhenClosed: lines still in the buffer are written when
// the server stops, not lost.
func TestTransferLogWrittenWhenClosed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "xferlog")
	l, err := openTransferLog(path, slog.Default())
	if err != nil {
		t.Fatal(err)
	}
	l.record(transferRecord{end: time.Now(), took: 3 * time.Second, ip: "192.0.2.1", bytes: 42, name: "/a\nb",
		login: "bob", complete: true})
	if b, _ := os.ReadFile(path); len(b) != 0 {
		t.Fatalf("written before its flush: %q", b)
	}
	if err := l.close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if f := strings.Fields(string(b)); len(f) != 18 || strings.Join(f[5:], " ") != "3 192.0.2.1 42 /a_b b _ o r bob ftp 0 * c" {
		t.Errorf("after close the log has %q", b)
	}
}
