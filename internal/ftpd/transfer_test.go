package ftpd

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/ftppanel/ftppanel/internal/session"
)

// TestUploadsReuseTheirCopyBuffer: a small upload does not allocate a copy
// buffer of its own (the runtime clears every new large allocation, which was
// most of what a 4 KiB upload cost), and every byte is still counted.
func TestUploadsReuseTheirCopyBuffer(t *testing.T) {
	s := session.New("127.0.0.1", 1234, time.Now(), func() {})
	f, err := os.Create(filepath.Join(t.TempDir(), "up.bin"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tf := &transferFile{File: f, session: s, name: "/up.bin", upload: true, now: time.Now, log: slog.Default()}
	content := bytes.Repeat([]byte("x"), 4<<10)
	const uploads = 100
	upload := func() {
		if _, err := tf.ReadFrom(bytes.NewReader(content)); err != nil {
			t.Fatal(err)
		}
	}
	upload() // the pool's first buffer
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range uploads {
		upload()
	}
	runtime.ReadMemStats(&after)
	// The race detector's pool drops some of what is put back; a buffer per
	// upload would be uploads times copyBufferSize.
	if got := after.TotalAlloc - before.TotalAlloc; got > uploads/2*copyBufferSize {
		t.Errorf("%d uploads of 4 KiB allocated %d bytes, about %d copy buffers", uploads, got, got/copyBufferSize)
	}
	if got := tf.moved; got != (uploads+1)*int64(len(content)) {
		t.Errorf("counted %d bytes, want %d", got, (uploads+1)*len(content))
	}
}
