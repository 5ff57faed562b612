package ftpserver

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"syscall"
)

var (
	// ErrStorageExceeded defines the error mapped to the FTP 552 reply code.
	// As for RFC 959 this error is checked for STOR, APPE
	ErrStorageExceeded = errors.New("storage limit exceeded")
	// ErrFileNameNotAllowed defines the error mapped to the FTP 553 reply code.
	// As for RFC 959 this error is checked for STOR, APPE, RNTO
	ErrFileNameNotAllowed = errors.New("filename not allowed")

	// ErrServiceUnavailable is an AuthUser error for a login that cannot be
	// checked now (the driver's store is out of reach): the client gets 421,
	// which tells it to try again later, not 530, which says it was refused.
	// ftppanel: added.
	ErrServiceUnavailable = errors.New("service temporarily unavailable")

	// ftppanel: an upload resumed past the end of its file would leave a hole of any size.
	errRestartPastEnd = errors.New("restart offset past the end of the file")
)

func getErrorCode(err error, defaultCode int) int {
	switch {
	case errors.Is(err, ErrStorageExceeded):
		return StatusActionAborted
	case errors.Is(err, ErrFileNameNotAllowed):
		return StatusActionNotTakenNoFile
	case errors.Is(err, errRestartPastEnd):
		return StatusInvalidRestart
	default:
		return defaultCode
	}
}

// errorText says in FTP terms what went wrong, for a reply.
// ftppanel: replies quoted err.Error(): Go internals ("driver error: calling
// OpenFile", "strconv.ParseInt") and whatever path the driver's error named.
func (c *clientHandler) errorText(err error) string {
	var errno syscall.Errno
	var netErr NetworkError
	var ipErr *ipValidationError

	switch {
	case errors.Is(err, ErrStorageExceeded), errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT):
		return "Not enough space"
	case errors.Is(err, ErrFileNameNotAllowed):
		return "File name not allowed"
	case errors.Is(err, errRestartPastEnd):
		return "Restart offset is past the end of the file"
	case errors.Is(err, syscall.ENOTEMPTY): // before ErrExist, which it also is
		return "Directory not empty"
	case errors.Is(err, fs.ErrNotExist):
		return "No such file or directory"
	case errors.Is(err, fs.ErrExist):
		return "File exists"
	case errors.Is(err, fs.ErrPermission):
		return "Permission denied"
	case errors.Is(err, syscall.EISDIR):
		return "Is a directory"
	case errors.Is(err, syscall.ENOTDIR), errors.Is(err, errFileList):
		return "Not a directory"
	case errors.As(err, &errno):
		// the system's own words for it, as other FTP servers give them
		text := errno.Error()

		return strings.ToUpper(text[:1]) + text[1:]
	case errors.As(err, &netErr):
		return "Data connection failed"
	case errors.Is(err, ErrNoAvailableListeningPort):
		return "No passive port is free; try again later"
	case errors.As(err, &ipErr):
		return "PASV can only name an IPv4 address; use EPSV"
	default:
		c.logger.Warn("Command failed", "err", err)

		return "Requested action not taken"
	}
}

// DriverError is a wrapper is for any error that occur while contacting the drivers
type DriverError struct {
	str string
	err error
}

func newDriverError(str string, err error) DriverError {
	return DriverError{str: str, err: err}
}

func (e DriverError) Error() string {
	return fmt.Sprintf("driver error: %s: %v", e.str, e.err)
}

func (e DriverError) Unwrap() error {
	return e.err
}

// NetworkError is a wrapper for any error that occur while contacting the network
type NetworkError struct {
	str string
	err error
}

func newNetworkError(str string, err error) NetworkError {
	return NetworkError{str: str, err: err}
}

func (e NetworkError) Error() string {
	return fmt.Sprintf("network error: %s: %v", e.str, e.err)
}

func (e NetworkError) Unwrap() error {
	return e.err
}

// FileAccessError is a wrapper for any error that occur while accessing the file system
type FileAccessError struct {
	str string
	err error
}

func newFileAccessError(str string, err error) FileAccessError {
	return FileAccessError{str: str, err: err}
}

func (e FileAccessError) Error() string {
	return fmt.Sprintf("file access error: %s: %v", e.str, e.err)
}

func (e FileAccessError) Unwrap() error {
	return e.err
}
