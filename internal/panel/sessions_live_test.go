package panel

import (
	"net/http/httptest"
	"testing"
)

// Every CR, LF and CRLF in an event's data starts a new data field, as an event
// stream ends a line at each of them: data cannot end a field early or add one.
func TestWriteEventSplitsDataAtEveryLineEnd(t *testing.T) {
	for _, c := range []struct{ data, want string }{
		{"<p>one</p>", "event: sessions\ndata: <p>one</p>\n\n"},
		{"a\nb\r\nc", "event: sessions\ndata: a\ndata: b\ndata: c\n\n"},
		{"x\rid: 1\r\rretry: 5", "event: sessions\ndata: x\ndata: id: 1\ndata: \ndata: retry: 5\n\n"},
		{"end\n", "event: sessions\ndata: end\ndata: \n\n"},
	} {
		w := httptest.NewRecorder()
		if err := writeEvent(w, "sessions", []byte(c.data)); err != nil {
			t.Fatal(err)
		}
		if got := w.Body.String(); got != c.want {
			t.Errorf("writeEvent(%q) wrote %q, want %q", c.data, got, c.want)
		}
	}
}
