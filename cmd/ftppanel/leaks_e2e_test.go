package main

import (
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// openDescriptors counts this process's open file descriptors: server and clients
// both live in the test process.
func openDescriptors(t *testing.T) int {
	t.Helper()
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("cannot count file descriptors here: %v", err)
	}
	return len(entries)
}

// TestDisconnectsLeaveNoDescriptorsBehind disconnects sessions in each state many
// times and checks that every socket, listener and file they held is released.
// Goroutines are checked for the whole package by TestMain.
func TestDisconnectsLeaveNoDescriptorsBehind(t *testing.T) {
	in := start(t)
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	writeFile(t, filepath.Join(in.home("acme", "bob"), "big.bin"), 16<<20)
	admin := in.signInAdmin()
	admin.rows()
	baseline := openDescriptors(t)

	for i := 0; i < 10; i++ {
		idle := in.rawDial()
		idle.login("bob")

		stalled := in.rawDial()
		stalled.login("bob")
		stalled.cmd(227, "PASV")
		if err := stalled.text.PrintfLine("STOR stalled-%d.bin", i); err != nil {
			t.Fatal(err)
		}

		downloader := in.ftpLogin("bob")
		r, err := downloader.Retr("big.bin")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.ReadFull(r, make([]byte, 1024)); err != nil {
			t.Fatal(err)
		}

		rows := admin.rows()
		if len(rows) != 3 {
			t.Fatalf("round %d: %d rows, want 3", i, len(rows))
		}
		for id := range rows {
			admin.mustDisconnect(id)
		}
		for _, c := range []*rawFTP{idle, stalled} {
			if err := closedByServer(c.conn); err != nil {
				t.Fatal(err)
			}
			c.conn.Close()
		}
		io.Copy(io.Discard, r)
		r.Close()
		downloader.Quit()
	}
	admin.c.CloseIdleConnections()
	waitFor(t, "file descriptors to return to "+strconv.Itoa(baseline), func() bool {
		return openDescriptors(t) <= baseline
	})
}
