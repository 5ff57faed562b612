package store

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"syscall"
	"testing"
	"unsafe"
)

// setImmutable sets or clears a file's immutable flag, as chattr +i and -i do: the
// one way to make a file unwritable for a test that runs as root.
func setImmutable(path string, on bool) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	const getFlags, setFlags, immutable = 0x80086601, 0x40086602, 0x10 // FS_IOC_GETFLAGS, FS_IOC_SETFLAGS, FS_IMMUTABLE_FL
	var flags int32
	if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, f.Fd(), getFlags, uintptr(unsafe.Pointer(&flags))); errno != 0 {
		return errno
	}
	if on {
		flags |= immutable
	} else {
		flags &^= immutable
	}
	if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, f.Fd(), setFlags, uintptr(unsafe.Pointer(&flags))); errno != 0 {
		return errno
	}
	return nil
}

// TestWritesWorkAgainOnceTheFileIsWritable: connections opened while the file
// could not be written must not linger in the pool and fail writes afterwards.
func TestWritesWorkAgainOnceTheFileIsWritable(t *testing.T) {
	path := tempDBPath(t)
	db := mustOpenFile(t, path)
	db.db.SetMaxIdleConns(8)
	ctx := context.Background()
	if err := db.AddCustomer(ctx, "acme", customerPW); err != nil {
		t.Fatal(err)
	}
	files := []string{path, path + "-wal"}
	for i, f := range files {
		if err := setImmutable(f, true); err != nil {
			for _, g := range files[:i] {
				setImmutable(g, false)
			}
			t.Skipf("cannot make the database unwritable here: %v", err)
		}
	}
	thaw := func() {
		for _, f := range files {
			if err := setImmutable(f, false); err != nil {
				t.Errorf("thaw %s: %v", f, err)
			}
		}
	}
	t.Cleanup(thaw)

	// Fill the pool with connections opened during the outage, as concurrent
	// requests do.
	var held []*sql.Conn
	for range 6 {
		if c, err := db.db.Conn(ctx); err == nil {
			held = append(held, c)
		}
	}
	for _, c := range held {
		c.Close()
	}
	if err := db.AddCustomer(ctx, "globex", customerPW); err == nil {
		t.Fatal("a write succeeded on an unwritable file")
	}

	thaw()
	for i := range 16 {
		if err := db.AddCustomer(ctx, fmt.Sprintf("customer-%d", i), customerPW); err != nil {
			t.Fatalf("write %d after the file became writable again: %v", i, err)
		}
	}
}
