package session

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCleanMessage(t *testing.T) {
	long := strings.Repeat("é", MaxMessageLen+50)
	for _, c := range []struct{ in, want string }{
		{"", ""},
		{"Maintenance until 10:00", "Maintenance until 10:00"},
		{"  two\r\n226 Transfer complete\r\n", "two 226 Transfer complete"},
		{"a\x00b\x1b[2Jc\u202ed\u2028e", "a b [2Jc d e"},
		{"not \xffUTF-8", "not UTF-8"},
		{"日本語 ok", "日本語 ok"},
		{long, strings.Repeat("é", MaxMessageLen)},
	} {
		got := CleanMessage(c.in)
		if got != c.want {
			t.Errorf("CleanMessage(%q) = %q, want %q", c.in, got, c.want)
		}
		if strings.ContainsAny(got, "\r\n") || utf8.RuneCountInString(got) > MaxMessageLen || !utf8.ValidString(got) {
			t.Errorf("CleanMessage(%q) = %q: not one short line", c.in, got)
		}
	}
	// A space that would make the text one character too long is not kept.
	if got := CleanMessage(strings.Repeat("x", MaxMessageLen-1) + " yz"); utf8.RuneCountInString(got) > MaxMessageLen {
		t.Errorf("cut to %d characters", utf8.RuneCountInString(got))
	}
}

func TestEndReasonWithMessage(t *testing.T) {
	r := EndReason{Kind: EndDisconnected, By: "alice", Message: "abuse"}
	if got := r.String(); got != "disconnected by alice: abuse" {
		t.Errorf("%q", got)
	}
}

func TestFilterByNetwork(t *testing.T) {
	for _, c := range []struct {
		filter, ip string
		want       bool
	}{
		{"127.0.0.1", "127.0.0.1", true},
		{"127.0.0.1", "127.0.0.10", false}, // an address is not a substring
		{"127.0.0.0/8", "127.0.0.2", true},
		{"127.0.0.2/32", "127.0.0.1", false},
		{"203.0.113.7/24", "203.0.113.200", true}, // host bits are ignored
		{"203.0.113.0/24", "203.0.114.1", false},
		{"::ffff:10.0.0.0/104", "10.1.2.3", true},
		{"10.0.0.0/8", "::ffff:10.1.2.3", true},
		{"2001:db8::/32", "2001:db8::5", true},
		{"2001:db8::/32", "10.0.0.1", false},
		{"127.0.", "127.0.0.1", true}, // not an address: a substring, as before
	} {
		if got := (Filter{IP: c.filter}).Match(Snapshot{RemoteIP: c.ip}); got != c.want {
			t.Errorf("filter %q on %s: %v, want %v", c.filter, c.ip, got, c.want)
		}
	}
	for _, bad := range []string{"", "bob", "10.0.0.0/33", "10.0.0.1/", "fe80::1%eth0", "10.0.0.0/8/8"} {
		if _, err := ParseNetwork(bad); err == nil {
			t.Errorf("ParseNetwork(%q) took it", bad)
		}
	}
	if p, err := ParseNetwork("203.0.113.7/24"); err != nil || p.String() != "203.0.113.0/24" {
		t.Errorf("ParseNetwork: %v, %v", p, err)
	}
}
