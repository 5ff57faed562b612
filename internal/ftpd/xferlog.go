package ftpd

import (
	"bufio"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// transferLog writes one line per transfer in the xferlog format of wu-ftpd,
// which vsftpd (xferlog_std_format) and ProFTPD (TransferLog) write too, so
// the tools that read theirs read ftppanel's. Lines are buffered and written
// at most flushDelay after their transfer ended, and when the server stops.
// When the file has been moved or removed (logrotate), the next write goes
// to a new file at the path.
type transferLog struct {
	path string
	log  *slog.Logger

	mu      sync.Mutex
	out     openFile // the file open now, under w
	w       *bufio.Writer
	flusher *time.Timer // armed while lines wait in w
	closed  bool
}

// flushDelay is the longest a line waits in the buffer.
const flushDelay = time.Second

// openTransferLog opens (or creates) the log at path, appending to it.
func openTransferLog(path string, log *slog.Logger) (*transferLog, error) {
	l := &transferLog{path: path, log: log}
	f, err := l.open()
	if err != nil {
		return nil, err
	}
	l.out.f = f
	l.w = bufio.NewWriterSize(&l.out, 64<<10)
	return l, nil
}

// openFile writes to the file open now, which followRotation replaces.
type openFile struct{ f *os.File }

func (o *openFile) Write(p []byte) (int, error) { return o.f.Write(p) }

func (l *transferLog) open() (*os.File, error) {
	f, err := os.OpenFile(l.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o640)
	if err != nil {
		return nil, fmt.Errorf("transfer log: %w", err)
	}
	return f, nil
}

// transferRecord is one transfer, as the log line tells it.
type transferRecord struct {
	end      time.Time
	took     time.Duration
	ip       string
	bytes    int64
	name     string // as the client sees it
	ascii    bool
	upload   bool
	login    string
	complete bool
}

// line is the record in xferlog's fields: the time the transfer ended, its
// whole seconds (at least 1), the client's address, the bytes, the file,
// a(scii) or b(inary), _ (no special action), i(ncoming) or o(utgoing),
// r (a real, not anonymous, user), the login, the service, 0 (no RFC 931
// authentication), * (no user ID from it), c(omplete) or i(ncomplete).
func (r transferRecord) line() []byte {
	secs := max(int64(r.took/time.Second), 1)
	b := make([]byte, 0, 128+len(r.name))
	b = r.end.AppendFormat(b, "Mon Jan _2 15:04:05 2006")
	b = append(b, ' ')
	b = strconv.AppendInt(b, secs, 10)
	b = append(b, ' ')
	b = append(b, r.ip...)
	b = append(b, ' ')
	b = strconv.AppendInt(b, r.bytes, 10)
	b = append(b, ' ')
	b = append(b, oneField(r.name)...)
	b = append(b, ' ', pick(r.ascii, 'a', 'b'), ' ', '_', ' ', pick(r.upload, 'i', 'o'), ' ', 'r', ' ')
	b = append(b, oneField(r.login)...)
	b = append(b, " ftp 0 * "...)
	b = append(b, pick(r.complete, 'c', 'i'), '\n')
	return b
}

func pick(cond bool, yes, no byte) byte {
	if cond {
		return yes
	}
	return no
}

// oneField keeps a name one field of one line: the fields are separated by
// spaces, so blanks and control characters become "_", as in ProFTPD's log.
func oneField(s string) string {
	if !strings.ContainsFunc(s, blank) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if blank(r) {
			return '_'
		}
		return r
	}, s)
}

func blank(r rune) bool { return r <= ' ' || r == 0x7f || r == 0x85 || r == 0x2028 || r == 0x2029 }

// record buffers the transfer's line.
func (l *transferLog) record(r transferRecord) {
	line := r.line()
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return
	}
	l.w.Write(line) // a write error shows at the flush
	if l.flusher == nil {
		l.flusher = time.AfterFunc(flushDelay, l.flush)
	}
}

// flush writes what waits, to a new file if the one open is no longer at the path.
func (l *transferLog) flush() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.flusher = nil
	if l.closed {
		return
	}
	l.followRotation()
	if err := l.w.Flush(); err != nil {
		l.log.Error("transfer log", slog.Any("error", err))
		l.w.Reset(&l.out) // the lines are lost; the next ones may be written
	}
}

// followRotation reopens the path when its file is no longer the one open:
// logrotate moved it away (or it was removed).
func (l *transferLog) followRotation() {
	now, err := os.Stat(l.path)
	if err == nil {
		if open, err := l.out.f.Stat(); err == nil && os.SameFile(now, open) {
			return
		}
	}
	f, err := l.open()
	if err != nil {
		l.log.Error("transfer log", slog.Any("error", err))
		return // keep writing to the file open
	}
	l.out.f.Close()
	l.out.f = f
}

// close writes what waits and closes the file.
func (l *transferLog) close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil
	}
	l.closed = true
	if l.flusher != nil {
		l.flusher.Stop()
		l.flusher = nil
	}
	l.followRotation()
	err := l.w.Flush()
	if cerr := l.out.f.Close(); err == nil {
		err = cerr
	}
	return err
}
