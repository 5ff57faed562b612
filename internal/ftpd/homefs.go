package ftpd

import (
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	ftpserver "github.com/fclairamb/ftpserverlib"
	"github.com/spf13/afero"

	"github.com/ftppanel/ftppanel/internal/session"
)

// homeFS is an FTP account's view of its home directory. It is built on os.Root,
// so no path, "..", or symbolic link reaches outside the home. Errors name the path
// as the client sees it, never the real one. Files it opens report to the session.
type homeFS struct {
	root    *os.Root
	session *session.Session
	now     func() time.Time
	log     *slog.Logger
	// progress counts the bytes of downloads sent with sendfile.
	progress *progressTicker
	// xferlog, when not nil, gets a line per transfer, which needs the
	// transfer type (cc), the login and the client's address.
	xferlog *transferLog
	cc      ftpserver.ClientContext
	login   string
	ip      string
	// allocated is the size the client announced with ALLO for its next upload.
	allocated atomic.Int64
}

var (
	_ afero.Fs                                = (*homeFS)(nil)
	_ ftpserver.ClientDriverExtensionAllocate = (*homeFS)(nil)
)

// AllocateSpace takes note of the size a client announces (ALLO) before an
// upload, so the panel can show the upload's percentage.
func (h *homeFS) AllocateSpace(size int) error {
	h.allocated.Store(int64(size))
	return nil
}

// rel turns a client path ("/dir/file") into a path relative to the root.
func rel(name string) string {
	r := strings.TrimPrefix(path.Clean("/"+name), "/")
	if r == "" {
		return "."
	}
	return r
}

// clientPath is the path as the client would write it.
func clientPath(name string) string { return path.Clean("/" + name) }

// hidePath rewrites an error so that it names the client's path only.
func hidePath(op, name string, err error) error {
	if err == nil {
		return nil
	}
	var (
		pe *fs.PathError
		le *os.LinkError
	)
	switch {
	case errors.As(err, &pe):
		err = pe.Err
	case errors.As(err, &le):
		err = le.Err
	}
	// Errors the system gave (ENOENT, EACCES, ...) name no path by themselves; any
	// other, such as os.Root refusing a path that escapes, becomes "permission denied".
	var errno syscall.Errno
	if !errors.As(err, &errno) {
		err = fs.ErrPermission
	}
	return &fs.PathError{Op: op, Path: clientPath(name), Err: err}
}

func (h *homeFS) Name() string { return "home" }

func (h *homeFS) Create(name string) (afero.File, error) {
	return h.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
}

func (h *homeFS) Mkdir(name string, perm os.FileMode) error {
	return hidePath("mkdir", name, h.root.Mkdir(rel(name), perm))
}

func (h *homeFS) MkdirAll(name string, perm os.FileMode) error {
	return hidePath("mkdir", name, h.root.MkdirAll(rel(name), perm))
}

func (h *homeFS) Open(name string) (afero.File, error) {
	return h.OpenFile(name, os.O_RDONLY, 0)
}

// OpenFile opens a file for a transfer. New files are 0644 whatever the library
// asks for (it asks for 0777): uploads are not programs.
//
// The file is opened O_NONBLOCK, which Linux ignores for regular files: told so,
// os.File does not switch the descriptor to non-blocking and back around its
// failed attempt to add a disk file to the poller (four fcntl calls a transfer,
// which count for a 4 KiB file). A FIFO someone left in a home then neither
// blocks the session at its open nor waits for a writer: reads wait in the poller.
func (h *homeFS) OpenFile(name string, flag int, _ os.FileMode) (afero.File, error) {
	f, err := h.root.OpenFile(rel(name), flag|syscall.O_NONBLOCK, 0o644)
	if err != nil {
		return nil, hidePath("open", name, err)
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, hidePath("open", name, err)
	}
	if info.IsDir() {
		// The library lists through ReadDir, so an open reaching here is a transfer
		// (RETR, STOR, ...). Refused now: reading a directory would fail later with
		// an error naming its real path, which the library sends to the client.
		f.Close()
		return nil, hidePath("open", name, syscall.EISDIR)
	}
	return h.startTransfer(f, clientPath(name), flag, info.Size()), nil
}

func (h *homeFS) Remove(name string) error {
	return hidePath("remove", name, h.root.Remove(rel(name)))
}

func (h *homeFS) RemoveAll(name string) error {
	if rel(name) == "." {
		return hidePath("remove", name, os.ErrPermission)
	}
	return hidePath("remove", name, h.root.RemoveAll(rel(name)))
}

func (h *homeFS) Rename(oldname, newname string) error {
	return hidePath("rename", oldname, h.root.Rename(rel(oldname), rel(newname)))
}

func (h *homeFS) Stat(name string) (os.FileInfo, error) {
	info, err := h.root.Stat(rel(name))
	return info, hidePath("stat", name, err)
}

func (h *homeFS) Chmod(name string, mode os.FileMode) error {
	return hidePath("chmod", name, h.root.Chmod(rel(name), mode))
}

// Chown is refused: accounts do not hand files to other system users.
func (h *homeFS) Chown(name string, _, _ int) error {
	return hidePath("chown", name, os.ErrPermission)
}

func (h *homeFS) Chtimes(name string, atime, mtime time.Time) error {
	return hidePath("chtimes", name, h.root.Chtimes(rel(name), atime, mtime))
}

// ReadDir lists a directory; the library uses it for LIST, NLST and MLSD, so this
// is where a listing starts. It ends with the command's final reply.
func (h *homeFS) ReadDir(name string) ([]os.FileInfo, error) {
	h.session.StartTransfer(session.StateListing, clientPath(name), -1, h.now())
	d, err := h.root.Open(rel(name))
	if err != nil {
		return nil, hidePath("list", name, err)
	}
	defer d.Close()
	infos, err := d.Readdir(-1)
	return infos, hidePath("list", name, err)
}
