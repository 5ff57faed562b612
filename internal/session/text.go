package session

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The longest client software name and file name a session keeps, in characters;
// FTP clients choose both, so they are cut (ending in "…") rather than trusted.
const (
	MaxClientLen = 200
	MaxFileLen   = 1024
)

// Visible returns text a client chose (its software's name, a file name) in a form
// that is safe to show anywhere: control characters (C0, DEL, C1), line and
// paragraph separators, and invisible or bidirectional format characters (U+202E
// and the like) become escapes such as \r, \x1b and \u202e; bytes that are not
// UTF-8 become \xff. Other text, é and 日本語 included, is kept as it is. The result
// has at most limit characters; longer text is cut and ends in "…". Visible is
// idempotent, so a layer that shows stored text may apply it again.
func Visible(text string, limit int) string {
	if limit < 1 {
		limit = 1
	}
	if len(text) <= limit && plainASCII(text) {
		return text
	}
	var b strings.Builder
	n := 0 // characters written
	cut := false
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		piece := text[i : i+size]
		switch {
		case r == utf8.RuneError && size == 1:
			piece = `\x` + hex2(text[i])
		case hidden(r):
			piece = escape(r)
		}
		i += size
		w := utf8.RuneCountInString(piece)
		// Leave room for "…" unless this is the last piece and it fits whole.
		if n+w > limit || (n+w == limit && i < len(text)) {
			cut = true
			break
		}
		b.WriteString(piece)
		n += w
	}
	if cut {
		b.WriteString("…")
	}
	return b.String()
}

// plainASCII reports whether text is printable ASCII only, the common case.
func plainASCII(text string) bool {
	for i := 0; i < len(text); i++ {
		if c := text[i]; c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

// hidden reports whether r could end a line, hide itself or reorder the text
// around it. Zero-width (non-)joiners stay: scripts and emoji need them.
func hidden(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0:
		return true
	case r == '\u2028', r == '\u2029':
		return true
	case r == '\u200c', r == '\u200d':
		return false
	}
	return unicode.Is(unicode.Cf, r)
}

func escape(r rune) string {
	switch r {
	case '\t':
		return `\t`
	case '\n':
		return `\n`
	case '\r':
		return `\r`
	}
	switch {
	case r < 0x80:
		return `\x` + hex2(byte(r))
	case r <= 0xffff:
		return `\u` + pad(strconv.FormatInt(int64(r), 16), 4)
	default:
		return `\U` + pad(strconv.FormatInt(int64(r), 16), 8)
	}
}

func hex2(c byte) string { return pad(strconv.FormatInt(int64(c), 16), 2) }

func pad(s string, n int) string { return strings.Repeat("0", max(0, n-len(s))) + s }
