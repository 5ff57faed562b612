package store

import (
	"context"
	"errors"
	"fmt"
	"os"
)

// Backup writes a consistent copy of the database to path, a new file, with
// SQLite's VACUUM INTO: it is safe while the server runs and writes, and the
// copy is a plain database file that Open takes as it is. A PostgreSQL store is
// refused: pg_dump backs it up.
func (db *DB) Backup(ctx context.Context, path string) error {
	if db.Shared() {
		return errors.New("the store is PostgreSQL: back it up with pg_dump")
	}
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("backup %s: the file exists; give a new file name", path)
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("backup: %w", err)
	}
	if _, err := db.db.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	return nil
}
