package ftpd

import (
	"bytes"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"syscall"
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

// TestOneTickerCountsEveryDownload: the progress of downloads sent with
// sendfile is counted while they run, from their files' offsets, by one
// goroutine for all of them; what it counted and what is counted at the end
// add up to what was sent, once.
func TestOneTickerCountsEveryDownload(t *testing.T) {
	p := newProgressTicker()
	defer p.close()
	dir := t.TempDir()
	var files []*transferFile
	for i := range 3 {
		f, err := os.Create(filepath.Join(dir, strconv.Itoa(i)))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		s := session.New("127.0.0.1", 1000+i, time.Now(), func() {})
		tf := &transferFile{File: f, session: s, name: "/f", now: time.Now, log: slog.Default(), progress: p}
		files = append(files, tf)
		p.start(tf, nil, 0)
		// what sendfile would have sent so far: the kernel moves the offset
		if _, err := f.Seek(int64(1000*(i+1)), io.SeekStart); err != nil {
			t.Fatal(err)
		}
	}
	for i, tf := range files {
		want := int64(1000 * (i + 1))
		waitFor(t, "the ticker to count a download's progress", func() bool {
			return tf.session.Snapshot(time.Now()).BytesDown == want
		})
	}
	p.mu.Lock()
	running := p.running
	p.mu.Unlock()
	if !running {
		t.Fatal("no ticker runs while downloads are in flight")
	}
	for i, tf := range files {
		sent := int64(1000*(i+1) + 500) // 500 bytes more before sendfile returned
		counted, _ := p.end(tf)
		tf.count(sent - counted)
		if got := tf.session.Snapshot(time.Now()).BytesDown; got != sent {
			t.Errorf("download %d: %d bytes counted, want %d", i, got, sent)
		}
	}
}

// TestDownloadOfAFIFOEndsWithoutAWriter: transfers open their file O_NONBLOCK (to
// spare os.File's fcntl calls), so a FIFO left in a home with no writer is sent
// as an empty file, and the session goes on. Opened as before, the open waited
// for a writer, holding the session (and the server's shutdown) forever.
func TestDownloadOfAFIFOEndsWithoutAWriter(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	ts.addAccount("bob")
	if err := syscall.Mkfifo(filepath.Join(ts.home("bob"), "pipe"), 0o644); err != nil {
		t.Fatal(err)
	}
	c := ts.login("bob")
	r, err := c.Retr("pipe")
	if err != nil {
		t.Fatalf("RETR of the FIFO: %v", err)
	}
	got, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("read the FIFO's data: %v", err)
	}
	if err := r.Close(); err != nil {
		t.Fatalf("end of the FIFO's transfer: %v", err)
	}
	if len(got) != 0 {
		t.Errorf("the FIFO's download has %d bytes, want none", len(got))
	}
	if err := c.NoOp(); err != nil {
		t.Errorf("the session after the download: %v", err)
	}
}
