package main

import (
	"io"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
)

var progressValue = regexp.MustCompile(`<progress max="100" value="(\d+)"`)

// TestDownloadProgressShowsWhileItRuns: a download sent in one piece still shows
// its progress while it runs, not only at its end; what the session and history
// count in the end is exactly what was sent, also for a download resumed with
// REST.
func TestDownloadProgressShowsWhileItRuns(t *testing.T) {
	in := start(t)
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	const size = 64 << 20
	writeFile(t, filepath.Join(in.home("acme", "bob"), "big.bin"), size)
	admin := in.signInAdmin()

	t.Run("while it runs", func(t *testing.T) {
		in, admin := in.with(t), admin.with(t)
		control := in.rawDial()
		control.login("bob")
		control.cmd(200, "TYPE I")
		data := control.passiveData()
		control.cmd(150, "RETR big.bin")
		// The client reads 8 MiB and stops: 56 MiB stay behind, more than the
		// sockets hold, so the download cannot end while the row is read.
		if _, err := io.ReadFull(data, make([]byte, 8<<20)); err != nil {
			t.Fatalf("first 8 MiB of the download: %v", err)
		}
		id, _ := admin.rowFor("bob")
		waitFor(t, "the row to show at least the 12% the client has read", func() bool {
			m := progressValue.FindStringSubmatch(admin.rows()[id])
			if m == nil {
				return false
			}
			v, _ := strconv.Atoi(m[1])
			return v >= 12
		})
		if _, err := io.Copy(io.Discard, data); err != nil {
			t.Fatalf("rest of the download: %v", err)
		}
		data.Close()
		control.expect(226)
		local := control.conn.LocalAddr()
		control.cmd(221, "QUIT")
		if e := in.endedAs(local); e.BytesDown != size || e.FilesDown != 1 {
			t.Errorf("history: %d bytes down in %d files, want %d in 1", e.BytesDown, e.FilesDown, size)
		}
	})

	t.Run("resumed", func(t *testing.T) {
		in := in.with(t)
		control := in.rawDial()
		control.login("bob")
		control.cmd(200, "TYPE I")
		data := control.passiveData()
		control.cmd(350, "REST %d", 16<<20)
		control.cmd(150, "RETR big.bin")
		got, err := io.Copy(io.Discard, data)
		if err != nil || got != size-16<<20 {
			t.Fatalf("resumed download: %d bytes (%v), want %d", got, err, size-16<<20)
		}
		data.Close()
		control.expect(226)
		local := control.conn.LocalAddr()
		control.cmd(221, "QUIT")
		if e := in.endedAs(local); e.BytesDown != size-16<<20 {
			t.Errorf("history: %d bytes down, want %d", e.BytesDown, size-16<<20)
		}
	})
}
