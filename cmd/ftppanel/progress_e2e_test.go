package main

import (
	"strings"
	"testing"
)

// TestProgressShowsWhatTheClientSent: while an upload pauses, the panel shows
// exactly the bytes the client has sent, and the percentage of the size it
// announced with ALLO.
func TestProgressShowsWhatTheClientSent(t *testing.T) {
	t.Parallel()
	in := start(t)
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	c := in.rawDial()
	c.login("bob")
	c.cmd(200, "TYPE I")
	c.cmd(200, "ALLO 1000000")
	data := c.passiveData()
	if err := c.text.PrintfLine("STOR site.zip"); err != nil {
		t.Fatal(err)
	}
	c.expect(150)
	if _, err := data.Write(make([]byte, 300000)); err != nil {
		t.Fatal(err)
	}

	admin := in.signInAdmin()
	id, _ := admin.rowFor("bob")
	// 300,000 of 1,000,000 bytes: 293 KiB of 977 KiB (30%).
	waitFor(t, "the row to show the 300,000 bytes sent", func() bool {
		return strings.Contains(admin.rows()[id], "293 KiB of 977 KiB (30%)")
	})
	if row := admin.rows()[id]; !strings.Contains(row, `<progress max="100" value="30"`) {
		t.Errorf("no progress bar at 30%%:\n%s", row)
	}

	if _, err := data.Write(make([]byte, 700000)); err != nil {
		t.Fatal(err)
	}
	data.Close()
	c.expect(226)
	c.cmd(221, "QUIT")
	if e := in.endedAs(c.conn.LocalAddr()); e.BytesUp != 1000000 || e.FilesUp != 1 {
		t.Errorf("history: %d bytes up in %d files, want 1000000 in 1", e.BytesUp, e.FilesUp)
	}
}
