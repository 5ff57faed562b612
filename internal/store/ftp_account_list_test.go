package store

import (
	"errors"
	"testing"
	"time"
)

func TestFTPAccounts(t *testing.T) {
	db := mustOpenWithCustomers(t)
	clock := newFakeClock()
	db.Now = clock.Now
	for _, a := range []struct{ login, customer string }{{"web2", "acme"}, {"g1", "globex"}, {"web1", "acme"}} {
		if err := db.AddFTPAccount(t.Context(), a.login, a.customer, ftpPW); err != nil {
			t.Fatalf("AddFTPAccount(%s): %v", a.login, err)
		}
	}
	if err := db.SetFTPDisabled(t.Context(), "web2", true); err != nil {
		t.Fatal(err)
	}
	if err := db.SetFTPIdleTimeout(t.Context(), "web1", 90*time.Second); err != nil {
		t.Fatal(err)
	}
	logins := func(accounts []FTPAccountInfo) []string {
		var out []string
		for _, a := range accounts {
			out = append(out, a.Customer+"/"+a.Login)
		}
		return out
	}

	t.Run("OK", func(t *testing.T) {
		all, err := db.FTPAccounts(t.Context(), AllAccounts())
		if err != nil {
			t.Fatal(err)
		}
		if got := logins(all); len(got) != 3 || got[0] != "acme/web1" || got[1] != "acme/web2" || got[2] != "globex/g1" {
			t.Fatalf("every account = %q, want acme/web1, acme/web2, globex/g1", got)
		}
		want := FTPAccountInfo{FTPAccount: FTPAccount{Login: "web1", Customer: "acme", IdleTimeout: 90 * time.Second},
			CreatedAt: clock.now}
		if !all[0].CreatedAt.Equal(want.CreatedAt) || all[0].FTPAccount != want.FTPAccount || all[0].Disabled {
			t.Errorf("web1 = %+v, want %+v", all[0], want)
		}
		if !all[1].Disabled || all[1].IdleTimeout != 0 {
			t.Errorf("web2 = %+v, want disabled with the server's idle timeout", all[1])
		}
	})
	t.Run("CustomerScope", func(t *testing.T) {
		acme, err := db.FTPAccounts(t.Context(), CustomerAccounts("acme"))
		if err != nil {
			t.Fatal(err)
		}
		if got := logins(acme); len(got) != 2 || got[0] != "acme/web1" || got[1] != "acme/web2" {
			t.Errorf("acme's accounts = %q", got)
		}
		for _, scope := range []AccountScope{{}, CustomerAccounts(""), CustomerAccounts("nobody")} {
			if got, err := db.FTPAccounts(t.Context(), scope); err != nil || len(got) != 0 {
				t.Errorf("FTPAccounts(%+v) = %q, %v; want none", scope, logins(got), err)
			}
		}
	})
	t.Run("OneInScope", func(t *testing.T) {
		a, err := db.FTPAccountIn(t.Context(), CustomerAccounts("globex"), "g1")
		if err != nil || a.Login != "g1" || a.Customer != "globex" {
			t.Errorf("globex's g1 = %+v, %v", a, err)
		}
		if a, err := db.FTPAccountIn(t.Context(), AllAccounts(), "web2"); err != nil || !a.Disabled {
			t.Errorf("web2 for an admin = %+v, %v", a, err)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		// Another customer's account reads exactly like one that does not exist.
		for _, c := range []struct {
			scope AccountScope
			login string
		}{
			{CustomerAccounts("acme"), "g1"},
			{CustomerAccounts("globex"), "web1"},
			{CustomerAccounts("acme"), "nobody"},
			{AccountScope{}, "web1"},
			{CustomerAccounts(""), "web1"},
			{AllAccounts(), "nobody"},
		} {
			a, err := db.FTPAccountIn(t.Context(), c.scope, c.login)
			if !errors.Is(err, ErrNotFound) || a != (FTPAccountInfo{}) {
				t.Errorf("FTPAccountIn(%+v, %q) = %+v, %v; want ErrNotFound", c.scope, c.login, a, err)
			}
		}
	})
}

func TestCustomers(t *testing.T) { forEachStore(t, testCustomers) }

func testCustomers(t *testing.T) {
	db := mustOpen(t)
	if got, err := db.Customers(t.Context()); err != nil || len(got) != 0 {
		t.Fatalf("Customers of an empty database = %q, %v", got, err)
	}
	for _, c := range []string{"zeta", "acme"} {
		if err := db.AddCustomer(t.Context(), c, customerPW); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.AddAdmin(t.Context(), "root", adminPW); err != nil {
		t.Fatal(err)
	}
	got, err := db.Customers(t.Context())
	if err != nil || len(got) != 2 || got[0] != "acme" || got[1] != "zeta" {
		t.Errorf("Customers = %q, %v; want acme, zeta (and no admin)", got, err)
	}
}
