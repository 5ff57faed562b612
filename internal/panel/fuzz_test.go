package panel

import (
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/ftppanel/ftppanel/internal/session"
	"github.com/ftppanel/ftppanel/internal/store"
	"github.com/ftppanel/ftppanel/templates"
)

// Fuzz targets for what the panel reads from outside: `go test -fuzz FuzzX`
// explores; a plain `go test` runs the seeds below as tests.

var (
	fuzzAdmin    = store.User{ID: 1, Name: "root", Role: store.RoleAdmin}
	fuzzCustomer = store.User{ID: 2, Name: "acme", Role: store.RoleCustomer, Customer: "acme"}
)

// FuzzParseSessionsQuery: any query string gives a view that is allowed, and
// writing that view back as a URL and reading it again gives the same view.
func FuzzParseSessionsQuery(f *testing.F) {
	for _, seed := range []string{
		"", "login=bob", "login=+bob+&ip=192.0&state=idle", "sort=login&dir=desc&page=3", "sort=customer",
		"customer=acme&sort=customer&dir=desc", "page=-1", "page=99999999999999999999", "state=bogus",
		"login=%zz", "sort=idle&dir=asc&page=2&page=3", "login=a;b&ip=%00", "node=a&sort=node", "node=+b+&dir=desc",
	} {
		for _, admin := range []bool{false, true} {
			f.Add(seed, admin, false)
			f.Add(seed, admin, true)
		}
	}
	f.Fuzz(func(t *testing.T, raw string, admin, fleet bool) {
		u := fuzzCustomer
		if admin {
			u = fuzzAdmin
		}
		q := parseSessionsQuery(&http.Request{URL: &url.URL{RawQuery: raw}}, u, fleet)
		if q.page < 1 {
			t.Fatalf("page %d", q.page)
		}
		if q.filter.State != "" && !session.ValidState(q.filter.State) {
			t.Fatalf("state %q", q.filter.State)
		}
		if !admin && q.filter.Customer != "" {
			t.Fatalf("a customer filters by customer %q", q.filter.Customer)
		}
		if (!admin || !fleet) && q.filter.Node != "" {
			t.Fatalf("node filter %q without an admin in a fleet", q.filter.Node)
		}
		if q.filter.ExactLogin != "" || q.filter.ExactIP != "" {
			t.Fatalf("exact filters from a URL: %+v", q.filter)
		}
		if q.sort == "" && q.desc {
			t.Fatal("descending without a sort key")
		}
		if q.sort != "" && !slices.ContainsFunc(sortKeys, func(k sortKey) bool { return k.key == q.sort && k.shows(admin, fleet) }) {
			t.Fatalf("sort %q", q.sort)
		}
		again := parseSessionsQuery(&http.Request{URL: &url.URL{RawQuery: q.values(q.sort, q.desc, q.page).Encode()}}, u, fleet)
		if again != q {
			t.Fatalf("%q reads as %+v, written back and read again %+v", raw, q, again)
		}
	})
}

// FuzzBanUntil: only the form's own choices are accepted, and each ends a ban
// after now (or never).
func FuzzBanUntil(f *testing.F) {
	for _, d := range templates.BanDurations {
		f.Add(d.Value)
	}
	for _, seed := range []string{"", "0s", "-1h", "2h", "1h ", "PERMANENT", "9999999h", "1e9h"} {
		f.Add(seed)
	}
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, choice string) {
		until, label, err := banUntil(choice, now)
		if err != nil {
			if !until.IsZero() || label != "" {
				t.Fatalf("refused %q but gave %v, %q", choice, until, label)
			}
			return
		}
		if !slices.ContainsFunc(templates.BanDurations, func(d templates.BanDuration) bool { return d.Value == choice }) {
			t.Fatalf("accepted %q, which the form does not offer", choice)
		}
		if !until.After(now) || label == "" {
			t.Fatalf("%q: until %v, label %q", choice, until, label)
		}
	})
}

// FuzzReadNewAccount: an accepted "Add an FTP account" form has a valid login and
// password, and a customer's form always adds to that customer.
func FuzzReadNewAccount(f *testing.F) {
	f.Add("bob", "bob-password", "", false)
	f.Add(" bob ", "bob-password", "globex", false)
	f.Add("bob", "bob-password", "acme", true)
	f.Add("bob", "short", "acme", true)
	f.Add("../etc", "long-enough", "acme", true)
	f.Add("bob", "long-enough", "../root", true)
	f.Add("Bob", "long-enough", "", true)
	f.Add("bob", "\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8", "acme", false)
	f.Fuzz(func(t *testing.T, login, password, customer string, admin bool) {
		u := fuzzCustomer
		if admin {
			u = fuzzAdmin
		}
		form := url.Values{"login": {login}, "password": {password}, "customer": {customer}}
		a, err := readNewAccount(form, u)
		if err != nil {
			if err.Error() == "" || a != (newAccount{}) {
				t.Fatalf("refused with %q but gave %+v", err, a)
			}
			return
		}
		if store.ValidateName("FTP login", a.login) != nil || store.ValidatePassword(a.password) != nil {
			t.Fatalf("accepted %+v", a)
		}
		if a.password != password {
			t.Fatal("the password was changed on the way")
		}
		if !admin && a.customer != u.Customer {
			t.Fatalf("a customer's form added to %q", a.customer)
		}
		if admin && store.ValidateName("customer", a.customer) != nil {
			t.Fatalf("accepted customer %q", a.customer)
		}
	})
}

// FuzzReadNewPassword: an accepted password was typed the same twice and is valid.
func FuzzReadNewPassword(f *testing.F) {
	f.Add("new-password", "new-password")
	f.Add("new-password", "new-passwore")
	f.Add("short", "short")
	f.Add("ééééééé", "ééééééé")
	f.Fuzz(func(t *testing.T, pw, repeat string) {
		got, err := readNewPassword(url.Values{"password": {pw}, "repeat": {repeat}})
		if err != nil {
			return
		}
		if got != pw || pw != repeat || store.ValidatePassword(got) != nil {
			t.Fatalf("accepted %q (repeat %q) as %q", pw, repeat, got)
		}
	})
}

// FuzzThrottleAddress: any remote address gives a key, the same for the addresses
// of one IPv6 /64.
func FuzzThrottleAddress(f *testing.F) {
	for _, seed := range []string{"192.0.2.1:5000", "[2001:db8::1]:5000", "[::ffff:192.0.2.1]:1", "", "garbage", "[fe80::1%eth0]:22"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, remote string) {
		key := throttleAddress(&http.Request{RemoteAddr: remote})
		if key != throttleAddress(&http.Request{RemoteAddr: remote}) {
			t.Fatal("not deterministic")
		}
		if len(key) > len(remote)+48 {
			t.Fatalf("key %q for %q", key, remote)
		}
	})
}
