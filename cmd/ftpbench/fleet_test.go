package main

import "testing"

// TestPageTotal: the sessions page writes its total in the page's language; the
// fleet measures read it in any of them.
func TestPageTotal(t *testing.T) {
	for page, want := range map[string]int{
		`<b data-testid="total-sessions">9,000</b>`:        9000,
		`<b data-testid="total-sessions">9.000</b>`:        9000,
		"<b data-testid=\"total-sessions\">9\u202f000</b>": 9000,
		"<b data-testid=\"total-sessions\">9\u00a0001</b>": 9001,
		`<b data-testid="total-sessions">12</b>`:           12,
	} {
		if got, ok := pageTotal([]byte(page)); !ok || got != want {
			t.Errorf("pageTotal(%q) = %d, %v; want %d", page, got, ok, want)
		}
	}
	if _, ok := pageTotal([]byte(`<p>No users logged in</p>`)); ok {
		t.Error("pageTotal found a total on a page without one")
	}
}
