package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTransferLogFromServe: serve --transfer-log writes an xferlog line per
// transfer, and the lines of transfers just before a stop are in the file once
// serve has exited.
func TestTransferLogFromServe(t *testing.T) {
	path := filepath.Join(t.TempDir(), "xferlog")
	in := start(t, "--transfer-log", path)
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	c := in.ftpLogin("bob")
	for _, name := range []string{"one.txt", "two.txt"} {
		if err := c.Stor(name, strings.NewReader("hello")); err != nil {
			t.Fatal(err)
		}
	}
	c.Quit()
	in.shutdown()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("the transfer log has %d lines, want 2: %q", len(lines), b)
	}
	for i, name := range []string{"one.txt", "two.txt"} {
		if !strings.HasSuffix(lines[i], " 127.0.0.1 5 /"+name+" b _ i r bob ftp 0 * c") {
			t.Errorf("line %d: %q", i+1, lines[i])
		}
	}
}
