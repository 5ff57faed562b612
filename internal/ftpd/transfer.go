package ftpd

import (
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"time"

	"github.com/ftppanel/ftppanel/internal/session"
)

// Downloads move in chunks, one progress report each. Each chunk is one
// io.CopyN on the bare *os.File, so the kernel's sendfile path stays. The size adapts so a report comes about every reportEvery: large chunks
// for fast transfers (fewer system calls), small ones for slow clients, whose
// progress and activity would otherwise show late.
const (
	firstChunk  = 64 << 10
	minChunk    = 16 << 10
	maxChunk    = 4 << 20
	reportEvery = 250 * time.Millisecond
)

// chunker sizes the next chunk from how long the last one took.
type chunker struct{ size int64 }

func (c *chunker) next() int64 {
	if c.size == 0 {
		c.size = firstChunk
	}
	return c.size
}

func (c *chunker) took(d time.Duration) {
	switch {
	case d < reportEvery/4 && c.size < maxChunk:
		c.size *= 2
	case d > reportEvery && c.size > minChunk:
		c.size /= 2
	}
}

// transferFile is a file being uploaded or downloaded. It counts the bytes on the
// session as they move and tells a finished transfer from an interrupted one.
type transferFile struct {
	*os.File
	session *session.Session
	name    string // as the client sees it
	upload  bool
	now     func() time.Time
	log     *slog.Logger

	moved       int64
	interrupted error
	chunks      chunker
}

func (h *homeFS) startTransfer(f *os.File, name string, flag int, size int64) *transferFile {
	upload := flag&(os.O_WRONLY|os.O_RDWR) != 0
	state := session.StateDownloading
	if upload {
		// An upload's size is known only when the client announced it with ALLO.
		state, size = session.StateUploading, h.allocated.Swap(-1)
		if size <= 0 {
			size = -1
		}
	}
	h.session.StartTransfer(state, name, size, h.now())
	return &transferFile{File: f, session: h.session, name: name, upload: upload, now: h.now, log: h.log}
}

func (f *transferFile) count(n int64) {
	if n <= 0 {
		return
	}
	f.moved += n
	if f.upload {
		f.session.AddUp(n, f.now())
	} else {
		f.session.AddDown(n, f.now())
	}
}

// hide rewrites a file system error, which names the file's real path, to name
// the client's path, even inside a network error: the FTP library sends transfer
// errors (a full disk, say) to the client.
func (f *transferFile) hide(err error) error {
	var pe *fs.PathError
	if err == nil || !errors.As(err, &pe) {
		return err
	}
	return &fs.PathError{Op: pe.Op, Path: f.name, Err: pe.Err}
}

func (f *transferFile) Read(p []byte) (int, error) {
	n, err := f.File.Read(p)
	f.count(int64(n))
	return n, f.hide(err)
}

func (f *transferFile) Write(p []byte) (int, error) {
	n, err := f.File.Write(p)
	f.count(int64(n))
	return n, f.hide(err)
}

func (f *transferFile) Seek(offset int64, whence int) (int64, error) {
	n, err := f.File.Seek(offset, whence)
	return n, f.hide(err)
}

// WriteTo serves downloads: io.Copy prefers it, and each chunk reaches the
// connection as a limited *os.File, which the network stack sends with sendfile.
// What the panel shows lags what the client received by at most one chunk.
func (f *transferFile) WriteTo(w io.Writer) (int64, error) {
	var total int64
	for {
		start := f.now()
		n, err := io.CopyN(w, f.File, f.chunks.next())
		f.chunks.took(f.now().Sub(start))
		total += n
		f.count(n)
		if errors.Is(err, io.EOF) {
			return total, nil
		}
		if err != nil {
			return total, f.hide(err)
		}
	}
}

// ReadFrom serves uploads. Every read from the connection is counted as it
// arrives, so the panel shows exactly what the client has sent, also while it
// pauses; the copy goes through a buffer, as other FTP servers' does.
func (f *transferFile) ReadFrom(r io.Reader) (int64, error) {
	n, err := io.CopyBuffer(writerOnly{f.File}, countingReader{r, f}, make([]byte, uploadBuffer))
	return n, f.hide(err)
}

// uploadBuffer is the size of an upload's copy buffer.
const uploadBuffer = 256 << 10

// countingReader counts on the transfer what it reads.
type countingReader struct {
	r io.Reader
	f *transferFile
}

func (c countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.f.count(int64(n))
	return n, err
}

// writerOnly hides the ReadFrom method of the writer it holds from io.Copy.
type writerOnly struct{ io.Writer }

// TransferError is called by the FTP library, before Close, when the transfer was
// cut short.
func (f *transferFile) TransferError(err error) { f.interrupted = err }

func (f *transferFile) Close() error {
	err := f.File.Close()
	f.session.EndTransfer(f.now(), f.interrupted == nil)
	direction := "download"
	if f.upload {
		direction = "upload"
	}
	if f.interrupted != nil {
		f.log.Info("transfer interrupted", slog.String("session", f.session.ID()),
			slog.String("direction", direction), slog.String("file", f.name),
			slog.Int64("bytes", f.moved), slog.Any("reason", f.interrupted))
	} else {
		f.log.Info("transfer complete", slog.String("session", f.session.ID()),
			slog.String("direction", direction), slog.String("file", f.name),
			slog.Int64("bytes", f.moved))
	}
	return f.hide(err)
}
