package ftpd

import (
	"bytes"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ftppanel/ftppanel/internal/session"
)

// A limited download that does not go by sendfile (TLS, or a session limited
// before it began) moves in chunks of the limit, and the session's kill ends
// its wait on the limiter at once, with the bytes sent so far counted.
func TestLimitedChunksEndWithTheKill(t *testing.T) {
	reg := session.NewRegistry()
	var s *session.Session
	s = session.New("127.0.0.1", 1234, time.Now(), func() { go s.End() })
	reg.Add(s)
	path := filepath.Join(t.TempDir(), "down.bin")
	if err := os.WriteFile(path, bytes.Repeat([]byte("x"), 64), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s.SetRateLimit(8) // a chunk of 1 byte, then one every 125 ms: 8 s for the file
	tf := &transferFile{File: f, session: s, name: "/down.bin", now: time.Now, log: slog.Default()}
	var out bytes.Buffer
	type result struct {
		n   int64
		err error
	}
	done := make(chan result, 1)
	go func() {
		n, err := tf.WriteTo(&out)
		done <- result{n, err}
	}()
	if _, err := reg.Disconnect(s.ID(), session.AllSessions(), "admin", ""); err != nil {
		t.Fatal(err)
	}
	r := <-done
	if !errors.Is(r.err, errSessionClosed) {
		t.Errorf("the download ended with %v, want errSessionClosed", r.err)
	}
	if r.n >= 64 || r.n != int64(out.Len()) || tf.moved != r.n {
		t.Errorf("%d bytes sent, %d written, %d counted of 64: the limit did not hold or the count is off", r.n, out.Len(), tf.moved)
	}
}
