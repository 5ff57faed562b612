package ftpd

import (
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"syscall"
	"time"

	"github.com/ftppanel/ftppanel/internal/session"
)

// chunk is how many bytes move between two progress reports, small enough that a
// slow client still shows activity. Each chunk is one io.CopyN on the bare
// *os.File, so downloads keep the kernel's sendfile path.
const chunk = 256 << 10

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
}

func (h *homeFS) startTransfer(f *os.File, name string, flag int, size int64) *transferFile {
	upload := flag&(os.O_WRONLY|os.O_RDWR) != 0
	state := session.StateDownloading
	if upload {
		state, size = session.StateUploading, -1
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
func (f *transferFile) WriteTo(w io.Writer) (int64, error) {
	var total int64
	for {
		n, err := io.CopyN(w, f.File, chunk)
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

// ReadFrom serves uploads. From the bare connection, chunk by chunk, for the same
// progress reports: each chunk reaches the *os.File as a limited connection, which
// the kernel moves with splice. Any other reader (the library's ASCII-mode
// converter) is copied through a buffer: it cannot fill the last few bytes of a
// chunk, and would be asked for them forever.
func (f *transferFile) ReadFrom(r io.Reader) (int64, error) {
	if _, bare := r.(syscall.Conn); !bare {
		return io.CopyBuffer(writerOnly{f}, r, make([]byte, 32<<10))
	}
	var total int64
	for {
		n, err := io.CopyN(f.File, r, chunk)
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
