package main

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/ftppanel/ftppanel/internal/store"
)

func TestAuditPage(t *testing.T) {
	t.Parallel()
	in := start(t)
	in.addCustomer("acme")
	in.addCustomer("globex")
	in.addFTPUser("bob", "acme")
	in.addFTPUser("carol", "globex")
	admin := in.signInAdmin()
	if got := emptyStateText(admin.mustPage("/audit")); got != "No panel actions yet" {
		t.Errorf("the audit log with nothing done says %q", got)
	}

	// The admin cuts off bob's download; globex disconnects its own carol; the
	// admin disconnects a connection that had not logged in.
	in.startDownload(t, "acme", "bob")
	bobID, _ := admin.rowFor("bob")
	admin.waitState(bobID, "downloading")
	admin.mustDisconnect(bobID)

	globex := in.signIn("globex", "globex-password")
	carol := in.rawDial()
	carol.login("carol")
	carolID, _ := globex.rowFor("carol")
	globex.mustDisconnect(carolID)

	anonymous := in.rawDial()
	anonID, _ := admin.rowFor("(not logged in)")
	admin.mustDisconnect(anonID)
	if err := closedByServer(anonymous.conn); err != nil {
		t.Fatal(err)
	}
	entries := in.auditEntries()
	if len(entries) != 3 {
		t.Fatalf("%d audit entries, want 3", len(entries))
	}
	ids := func(es ...store.AuditEntry) []string {
		var out []string
		for _, e := range es {
			out = append(out, strconv.FormatInt(e.ID, 10))
		}
		return out
	}
	anonEntry, carolEntry, bobEntry := entries[0], entries[1], entries[2]

	t.Run("admin sees every action", func(t *testing.T) {
		body := admin.with(t).mustPage("/audit")
		rows := recordRows(body, "data-audit-id")
		if got, want := recordIDs(rows), ids(anonEntry, carolEntry, bobEntry); !slices.Equal(got, want) {
			t.Fatalf("audit rows %v, want %v (newest first)", got, want)
		}
		bob := rows[2].cells
		for label, want := range map[string]string{
			"Panel user": "admin", "Action": "Disconnected", "FTP login": "bob", "Customer": "acme", "From": "127.0.0.1",
		} {
			if bob[label] != want {
				t.Errorf("bob's disconnect: %s = %q, want %q", label, bob[label], want)
			}
		}
		if doing := bob["The session was"]; !strings.HasPrefix(doing, "downloading /site-backup.tar.gz (") {
			t.Errorf("bob's disconnect says the session was %q, want downloading /site-backup.tar.gz", doing)
		}
		if !strings.Contains(rows[2].html, `<time datetime="`) {
			t.Errorf("bob's disconnect has no time:\n%s", rows[2].html)
		}
		if got := rows[1].cells; got["Panel user"] != "globex" || got["FTP login"] != "carol" || got["Customer"] != "globex" {
			t.Errorf("carol's disconnect reads %v", got)
		}
		if got := rows[0].cells; got["Panel user"] != "admin" || got["FTP login"] != "(not logged in)" || got["Customer"] != "" {
			t.Errorf("the anonymous disconnect reads %v", got)
		}
		if got := navCurrent(body); got != "/audit" {
			t.Errorf("the header marks %q as the current page, want /audit", got)
		}
	})

	t.Run("a customer sees actions on its own sessions only", func(t *testing.T) {
		acme := in.with(t).signIn("acme", "acme-password")
		for _, c := range []struct {
			who  *browser
			want []string
			not  []string
		}{
			{acme, ids(bobEntry), []string{"carol", "globex", "(not logged in)"}},
			{globex.with(t), ids(carolEntry), []string{"bob", "acme", "(not logged in)"}},
		} {
			for _, query := range []string{"", "?customer=acme", "?customer=globex"} {
				body := c.who.mustPage("/audit" + query)
				rows := recordRows(body, "data-audit-id")
				if got := recordIDs(rows); !slices.Equal(got, c.want) {
					t.Errorf("GET /audit%s: rows %v, want %v", query, got, c.want)
					continue
				}
				if _, ok := rows[0].cells["Customer"]; ok {
					t.Errorf("GET /audit%s: a customer column for a customer", query)
				}
				for _, s := range c.not {
					if strings.Contains(htmlText(body), s) {
						t.Errorf("GET /audit%s: the page mentions %q", query, s)
					}
				}
			}
		}
		// A customer that nobody acted for sees an empty log.
		in.addCustomer("initech")
		initech := in.with(t).signIn("initech", "initech-password")
		if got := emptyStateText(initech.mustPage("/audit")); got != "No panel actions yet" {
			t.Errorf("initech's audit log says %q", got)
		}
	})

	t.Run("bad page numbers", func(t *testing.T) {
		for _, query := range []string{"?page=-1", "?page=0", "?page=x"} {
			if r := admin.with(t).get("/audit" + query); r.status != http.StatusBadRequest {
				t.Errorf("GET /audit%s: status %d, want 400", query, r.status)
			}
		}
	})
}

// TestAuditPages pages through more entries than one page holds.
func TestAuditPages(t *testing.T) {
	t.Parallel()
	in := start(t)
	in.addCustomer("acme")
	db := in.openDB()
	for i := range 101 {
		customer := "acme"
		if i%2 == 1 {
			customer = "globex"
		}
		if err := db.RecordAudit(t.Context(), store.AuditEntry{Actor: "admin", Action: "disconnect",
			SessionID: "S" + strconv.Itoa(i), FTPLogin: "web" + strconv.Itoa(i), Customer: customer, RemoteIP: "192.0.2.1"}); err != nil {
			t.Fatal(err)
		}
	}
	admin := in.signInAdmin()
	first := admin.mustPage("/audit")
	page1 := recordRows(first, "data-audit-id")
	if len(page1) != 100 || page1[0].cells["FTP login"] != "web100" || page1[99].cells["FTP login"] != "web1" {
		t.Fatalf("page 1: %d rows, want web100 down to web1", len(page1))
	}
	if got := recordLink(first, "older"); got != "/audit?page=2" {
		t.Fatalf("page 1 links to older entries at %q, want /audit?page=2", got)
	}
	second := admin.mustPage("/audit?page=2")
	if rows := recordRows(second, "data-audit-id"); len(rows) != 1 || rows[0].cells["FTP login"] != "web0" {
		t.Errorf("page 2: %d rows, want web0 alone", len(rows))
	}
	if got := recordLink(second, "newer"); got != "/audit" {
		t.Errorf("page 2 links to newer entries at %q, want /audit", got)
	}
	if got := recordLink(second, "older"); got != "" {
		t.Errorf("the last page links to older entries at %q", got)
	}

	// acme's 51 entries fit on one page.
	body := in.signIn("acme", "acme-password").mustPage("/audit")
	if rows := recordRows(body, "data-audit-id"); len(rows) != 51 || rows[0].cells["FTP login"] != "web100" {
		t.Errorf("acme sees %d entries, want its 51, newest web100", len(rows))
	}
	if recordLink(body, "older") != "" || recordLink(body, "newer") != "" {
		t.Error("acme's single page links to other pages")
	}
}
