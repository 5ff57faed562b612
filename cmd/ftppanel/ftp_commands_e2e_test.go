package main

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// want sends a command and reports, without stopping the test, a reply whose code
// is not code; it returns the reply's text.
func (r *rawFTP) want(code int, format string, args ...any) string {
	r.t.Helper()
	got, msg := r.reply(format, args...)
	if got != code {
		r.t.Errorf("%.80s: reply %d %q, want %d", fmt.Sprintf(format, args...), got, msg, code)
	}
	return msg
}

// TestFEATOffersOnlyWhatWorks: active mode is off, so FEAT does not offer EPRT.
func TestFEATOffersOnlyWhatWorks(t *testing.T) {
	in := start(t)
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	r := in.rawDial()
	features := func() []string {
		t.Helper()
		var features []string
		for _, line := range strings.Split(r.cmd(211, "FEAT"), "\n") {
			if strings.HasPrefix(line, " ") {
				features = append(features, strings.TrimSpace(line))
			}
		}
		return features
	}
	before := features()
	r.login("bob")
	for _, got := range [][]string{before, features()} {
		for _, f := range []string{"EPRT", "PORT"} {
			if slices.Contains(got, f) {
				t.Errorf("FEAT offers %s, which is refused: %q", f, got)
			}
		}
		for _, f := range []string{"EPSV", "SIZE", "REST STREAM", "UTF8"} {
			if !slices.Contains(got, f) {
				t.Errorf("FEAT lacks %s: %q", f, got)
			}
		}
	}
	// What FEAT leaves out is refused indeed.
	if code, msg := r.reply("EPRT |1|127.0.0.1|40000|"); code != 421 && code/100 != 5 {
		t.Errorf("EPRT: reply %d %q, want it refused", code, msg)
	}
}
