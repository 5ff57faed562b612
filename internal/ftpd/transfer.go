package ftpd

import (
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"sync"
	"time"

	ftpserver "github.com/fclairamb/ftpserverlib"

	"github.com/ftppanel/ftppanel/internal/session"
)

// Downloads over TLS move in chunks, one progress report each (plain TCP ones
// go in one piece, see WriteTo). Each chunk is one io.CopyN on the bare
// *os.File. The size adapts so a report comes about every reportEvery: large
// chunks for fast transfers (fewer system calls), small ones for slow clients,
// whose progress and activity would otherwise show late.
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
	// progress counts a sendfile download's bytes while it runs.
	progress *progressTicker
	// logged is what the transfer log needs to know of the transfer; nil
	// without a transfer log.
	logged *loggedTransfer

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
	started := h.now()
	h.session.StartTransfer(state, name, size, started)
	tf := &transferFile{File: f, session: h.session, name: name, upload: upload, now: h.now, log: h.log,
		progress: h.progress}
	if h.xferlog != nil {
		tf.logged = &loggedTransfer{to: h.xferlog, started: started, login: h.login, ip: h.ip,
			ascii: h.cc.GetTransferType() == ftpserver.TransferTypeASCII}
	}
	return tf
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

// WriteTo serves downloads: io.Copy prefers it. What the panel shows lags what
// the client received by at most one report (reportEvery) or one chunk. A
// download with a limit (the session's, its account's or the server's cap)
// goes in limited chunks; one without keeps the sendfile path.
func (f *transferFile) WriteTo(w io.Writer) (int64, error) {
	if tc, ok := w.(*net.TCPConn); ok && f.session.Limit() <= 0 {
		if from, err := f.File.Seek(0, io.SeekCurrent); err == nil {
			return f.sendFile(tc, from)
		}
	}
	return f.writeChunks(w)
}

// sendFile sends the rest of the file, from offset from, in one sendfile loop
// (Go's, which waits in the poller whenever the socket is full, so a disconnect
// that closes the connection ends it at once); the server's progress ticker
// counts its progress every reportEvery meanwhile. Cutting the loop into
// chunks for the reports cost a return and a new call at each chunk's end: 23%
// more context switches per GiB with 8 fast clients (docs/benchmarks.md).
// When the session gets a rate limit meanwhile, the ticker cuts the loop short
// with a write deadline in the past, and the rest goes in limited chunks.
func (f *transferFile) sendFile(tc *net.TCPConn, from int64) (int64, error) {
	f.progress.start(f, tc, from)
	n, err := tc.ReadFrom(f.File)
	counted, cut := f.progress.end(f)
	f.count(n - counted)
	if cut && errors.Is(err, os.ErrDeadlineExceeded) {
		if err := tc.SetWriteDeadline(time.Time{}); err != nil {
			return n, err
		}
		more, err := f.writeChunks(tc)
		return n + more, err
	}
	return n, f.hide(err)
}

// writeChunks sends the file chunk by chunk, counting each; a TLS connection
// gets no sendfile anyway, nor does a session with a rate limit, whose limiter
// each chunk waits for (the limit is read again at every chunk).
func (f *transferFile) writeChunks(w io.Writer) (int64, error) {
	buf := copyBuffers.Get().(*[]byte)
	defer copyBuffers.Put(buf)
	var total int64
	for {
		start := f.now()
		chunk := f.chunks.next()
		if limit := f.session.LimitChunk(); limit > 0 {
			chunk = min(chunk, int64(limit))
			if err := f.session.Throttle(int(chunk)); err != nil {
				return total, errSessionClosed
			}
		}
		n, err := io.CopyBuffer(w, io.LimitReader(f.File, chunk), *buf)
		if err == nil && n < chunk {
			err = io.EOF // io.CopyN's way of telling the end of the file
		}
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

// errSessionClosed ends a limited transfer whose session was closed while it
// waited for its limiter.
var errSessionClosed = errors.New("session closed")

// ReadFrom serves uploads. Every read from the connection is counted as it
// arrives, so the panel shows exactly what the client has sent, also while it
// pauses; the copy goes through a buffer, as other FTP servers' does.
func (f *transferFile) ReadFrom(r io.Reader) (int64, error) {
	buf := copyBuffers.Get().(*[]byte)
	defer copyBuffers.Put(buf)
	n, err := io.CopyBuffer(writerOnly{f.File}, countingReader{r, f}, *buf)
	return n, f.hide(err)
}

// copyBufferSize is the size of an upload's copy buffer, and of a TLS
// download's.
const copyBufferSize = 256 << 10

// copyBuffers keeps copy buffers between transfers: allocating one per file
// (the runtime clears every new large allocation) was most of the CPU a small
// upload cost.
var copyBuffers = sync.Pool{New: func() any {
	b := make([]byte, copyBufferSize)
	return &b
}}

// countingReader counts on the transfer what it reads.
type countingReader struct {
	r io.Reader
	f *transferFile
}

func (c countingReader) Read(p []byte) (int, error) {
	limit := c.f.session.LimitChunk()
	if limit > 0 && len(p) > limit {
		p = p[:limit]
	}
	n, err := c.r.Read(p)
	c.f.count(int64(n))
	if limit > 0 && n > 0 {
		// Waiting after the read holds the next one back: the client's bytes
		// wait in the socket, and TCP slows the client down to the limit.
		if werr := c.f.session.Throttle(n); werr != nil {
			return n, errSessionClosed
		}
	}
	return n, err
}

// writerOnly hides the ReadFrom method of the writer it holds from io.Copy.
type writerOnly struct{ io.Writer }

// TransferError is called by the FTP library, before Close, when the transfer was
// cut short.
func (f *transferFile) TransferError(err error) { f.interrupted = err }

// loggedTransfer is a transfer the transfer log gets a line for.
type loggedTransfer struct {
	to        *transferLog
	started   time.Time
	login, ip string
	ascii     bool
}

func (f *transferFile) Close() error {
	err := f.File.Close()
	end := f.now()
	f.session.EndTransfer(end, f.interrupted == nil)
	if l := f.logged; l != nil {
		l.to.record(transferRecord{end: end, took: end.Sub(l.started), ip: l.ip, bytes: f.moved, name: f.name,
			ascii: l.ascii, upload: f.upload, login: l.login, complete: f.interrupted == nil})
	}
	direction := "download"
	if f.upload {
		direction = "upload"
	}
	if f.interrupted != nil {
		f.log.Info("transfer interrupted", slog.String("session", f.session.ID()),
			slog.String("direction", direction), slog.String("file", f.name),
			slog.Int64("bytes", f.moved), slog.Any("reason", f.interrupted))
	} else {
		f.log.Debug("transfer complete", slog.String("session", f.session.ID()),
			slog.String("direction", direction), slog.String("file", f.name),
			slog.Int64("bytes", f.moved))
	}
	return f.hide(err)
}
