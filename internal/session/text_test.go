package session

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestVisible(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"FileZilla 3.66", "FileZilla 3.66"},
		{"café 日本語.txt", "café 日本語.txt"},
		{"👨\u200d👩\u200d👧 فارسی\u200cنامه", "👨\u200d👩\u200d👧 فارسی\u200cنامه"},
		{"evil\rdata: x", `evil\rdata: x`},
		{"a\r\nb\nc\td", `a\r\nb\nc\td`},
		{"a\u202eexe.txt", `a\u202eexe.txt`},
		{"\u2066x\u2069 \u200e\u200f\u061c\ufeff\u200b", `\u2066x\u2069 \u200e\u200f\u061c\ufeff\u200b`},
		{"bell\aesc\x1b[31m del\x7f", `bell\x07esc\x1b[31m del\x7f`},
		{"c1\u0085\u009b line\u2028para\u2029", `c1\u0085\u009b line\u2028para\u2029`},
		{"tag\U000E0041", `tag\U000e0041`},
		{"bad\xff\xfe", `bad\xff\xfe`},
		{`already \u202e shown`, `already \u202e shown`},
	} {
		got := Visible(c.in, 100)
		if got != c.want {
			t.Errorf("Visible(%q) = %q, want %q", c.in, got, c.want)
		}
		if again := Visible(got, 100); again != got {
			t.Errorf("Visible is not idempotent on %q: %q", got, again)
		}
	}
}

func TestVisibleCuts(t *testing.T) {
	for _, c := range []struct {
		in    string
		limit int
		want  string
	}{
		{"abcdef", 6, "abcdef"},
		{"abcdefg", 6, "abcde…"},
		{"日本語日本語日本語", 4, "日本語…"},
		{"ab\x1bcd", 5, "ab…"}, // an escape is never cut in half
		{"ab\x1bcde", 8, `ab\x1bc…`},
	} {
		got := Visible(c.in, c.limit)
		if got != c.want {
			t.Errorf("Visible(%q, %d) = %q, want %q", c.in, c.limit, got, c.want)
		}
		if n := utf8.RuneCountInString(got); n > c.limit {
			t.Errorf("Visible(%q, %d) has %d characters", c.in, c.limit, n)
		}
		if again := Visible(got, c.limit); again != got {
			t.Errorf("Visible is not idempotent on %q: %q", got, again)
		}
	}
}

// What a client chose is kept in its visible form, so every place that shows a
// snapshot (page, stream, JSON, history, audit) gets that form.
func TestSessionKeepsClientTextVisible(t *testing.T) {
	now := time.Now()
	s := New("127.0.0.1", 40000, now, func() {})
	s.LoggedIn("bob", "acme", "lftp\r\nevent: x", false, now)
	s.StartTransfer(StateUploading, "/a\u202eexe.txt", -1, now)
	snap := s.Snapshot(now)
	if snap.Client != `lftp\r\nevent: x` || snap.File != `/a\u202eexe.txt` {
		t.Fatalf("client %q, file %q: want their visible forms", snap.Client, snap.File)
	}
	s.StartTransfer(StateDownloading, strings.Repeat("x", 5000), -1, now)
	if n := utf8.RuneCountInString(s.Snapshot(now).File); n != MaxFileLen {
		t.Errorf("a 5000-character file name is kept as %d characters, want %d", n, MaxFileLen)
	}
}

// FuzzVisible: whatever a client sends, the visible form is UTF-8, hides nothing
// that could end a line or reorder text, keeps to its length, and is a fixed point.
// `go test -fuzz FuzzVisible ./internal/session` explores.
func FuzzVisible(f *testing.F) {
	for _, seed := range []string{"", "FileZilla", "a\u202eexe.txt", "evil\rid: 1\r\n", "\xff\xfe", "日本語\u200d", "\U000E0041\u2028"} {
		f.Add(seed, 10)
	}
	f.Fuzz(func(t *testing.T, in string, limit int) {
		limit = 1 + int(uint(limit)%300)
		got := Visible(in, limit)
		if !utf8.ValidString(got) || utf8.RuneCountInString(got) > limit {
			t.Fatalf("Visible(%q, %d) = %q: not UTF-8 or too long", in, limit, got)
		}
		if strings.ContainsFunc(got, hidden) {
			t.Fatalf("Visible(%q, %d) = %q still hides characters", in, limit, got)
		}
		if again := Visible(got, limit); again != got {
			t.Fatalf("Visible(%q, %d) = %q, but again %q", in, limit, got, again)
		}
	})
}
