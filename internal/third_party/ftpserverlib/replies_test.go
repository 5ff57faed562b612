package ftpserver

import (
	"bufio"
	"bytes"
	"io"
	"runtime"
	"testing"
)

// TestRepliesKeepTheirLines: a reply is written line by line as bufio.ScanLines
// split it before (ftppanel's writeMessage without the Scanner): "\n" or "\r\n"
// ends a line, the last line gets the code and a space, the others a dash, and
// a last line ending adds no empty line.
func TestRepliesKeepTheirLines(t *testing.T) {
	for _, tc := range []struct{ message, want string }{
		{"Command okay", "200 Command okay\r\n"},
		{"", "200 \r\n"},
		{"\n", "200 \r\n"},
		{"first\nlast", "200-first\r\n200 last\r\n"},
		{"first\r\nsecond\r\nlast\r\n", "200-first\r\n200-second\r\n200 last\r\n"},
		{"first\n\nlast", "200-first\r\n200-\r\n200 last\r\n"},
		{"first\n\n", "200-first\r\n200 \r\n"},
		{"carriage\r", "200 carriage\r\n"},
	} {
		var out bytes.Buffer
		c := &clientHandler{writer: bufio.NewWriter(&out)}
		c.writeMessage(StatusOK, tc.message)
		if got := out.String(); got != tc.want {
			t.Errorf("writeMessage(200, %q) wrote %q, want %q", tc.message, got, tc.want)
		}
	}
}

// TestReplyAllocatesLittle: a one-line reply allocates its line and no more
// (the Scanner it was split with allocated and cleared 4 KiB per reply: most of
// what a small-file download allocated, and a garbage collection every 100
// files).
func TestReplyAllocatesLittle(t *testing.T) {
	c := &clientHandler{writer: bufio.NewWriter(io.Discard)}
	const replies = 1000
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range replies {
		c.writeMessage(StatusEnteringPASV, "Entering Passive Mode (127,0,0,1,168,5)")
	}
	runtime.ReadMemStats(&after)
	if perReply := (after.TotalAlloc - before.TotalAlloc) / replies; perReply > 256 {
		t.Errorf("a one-line reply allocated %d bytes", perReply)
	}
}
