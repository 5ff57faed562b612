package session

import (
	"slices"
	"testing"
	"time"
)

func TestPageMatchesList(t *testing.T) {
	r := testRegistry(t0)
	for i := range 25 {
		customer := "acme"
		if i%3 == 0 {
			customer = "globex"
		}
		c := addLoggedIn(r, "web"+string(rune('a'+i%5)), customer, at(time.Duration(i)*time.Second))
		if i%4 == 0 {
			c.s.StartTransfer(StateDownloading, "/f.bin", 10, t0)
		}
	}
	addConn(r, "192.0.2.9", 2000, at(-time.Second)) // not logged in: the admin's alone

	for _, sc := range []struct {
		name  string
		scope Scope
	}{{"admin", AllSessions()}, {"acme", CustomerSessions("acme")}, {"nobody", CustomerSessions("")}} {
		all := r.List(sc.scope, Filter{})
		for page := -1; page <= 5; page++ {
			rows, first, sum := r.Page(sc.scope, page, 10)
			if sum.Sessions != len(all) {
				t.Errorf("%s: Page counts %d sessions, List lists %d", sc.name, sum.Sessions, len(all))
			}
			// The page asked for, brought within the pages there are.
			want := min(max(page, 1), max(1, (len(all)+9)/10))
			from := (want - 1) * 10
			if first != from {
				t.Errorf("%s page %d: first = %d, want %d", sc.name, page, first, from)
			}
			if got, exp := ids(rows), ids(all[from:min(from+10, len(all))]); !slices.Equal(got, exp) {
				t.Errorf("%s page %d: %v\nwant %v", sc.name, page, got, exp)
			}
		}
	}

	_, _, sum := r.Page(AllSessions(), 1, 10)
	if sum.Sessions != 26 || sum.Users != 5 || sum.Transfers != 7 {
		t.Errorf("summary: %d sessions, %d users, %d transfers; want 26, 5 (weba..webe), 7 downloads", sum.Sessions, sum.Users, sum.Transfers)
	}
	if got := Summarize(r.List(AllSessions(), Filter{})); got != sum {
		t.Errorf("Summarize of the same sessions = %+v, Page's summary %+v", got, sum)
	}
}

func TestPageLeavesOutSessionsBeingDisconnected(t *testing.T) {
	r := testRegistry(t0)
	release := make(chan struct{})
	leaving := addLoggedIn(r, "web1", "acme", t0, func(c *fakeConn) { c.release = release })
	staying := addLoggedIn(r, "web2", "acme", at(time.Second))
	done := make(chan error)
	go func() {
		_, err := r.Disconnect(leaving.s.ID(), AllSessions(), "admin", "")
		done <- err
	}()
	<-leaving.closed
	rows, _, sum := r.Page(AllSessions(), 1, 10)
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if sum.Sessions != 1 || len(rows) != 1 || rows[0].ID != staying.s.ID() {
		t.Errorf("Page while one of two is being disconnected: %d sessions, rows %v; want only %s", sum.Sessions, ids(rows), staying.s.ID())
	}
}
