package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/ftppanel/ftppanel/internal/store"
)

// backup runs "backup FILE": a consistent copy of the database, taken while the
// server runs, for before an upgrade or every night. SQLite only: pg_dump backs
// up a PostgreSQL store.
func (c *cli) backup(ctx context.Context, args []string) error {
	fs, loc := c.flags("backup", "backup FILE [--data DIR]")
	positional, stop, err := parseOrHelp(fs, args)
	if stop {
		return err
	}
	if len(positional) != 1 {
		fs.Usage()
		return errUsage
	}
	file := positional[0]
	if !store.IsSQLite(loc.database) {
		return errors.New("the store is PostgreSQL: back it up with pg_dump")
	}
	// Opening would create an empty database: a backup of nothing is a mistake.
	dbPath := filepath.Join(loc.data, store.DatabaseFile)
	if _, err := os.Stat(dbPath); errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("no database at %s: give the server's --data directory", dbPath)
	}
	db, err := c.openStore(ctx, *loc)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Backup(ctx, file); err != nil {
		return err
	}
	info, err := os.Stat(file)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "Backed up %s to %s (%d bytes).\n", dbPath, file, info.Size())
	return nil
}
