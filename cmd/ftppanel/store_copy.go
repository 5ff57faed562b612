package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/ftppanel/ftppanel/internal/store"
)

// storeCommand runs "store copy --to URL": the move from the SQLite store of
// one node to a PostgreSQL store that several share. It copies every row
// (accounts with their password hashes, panel users, sign-ins, tokens, login
// links, bans, history, audit) into an empty database, while the server runs.
func (c *cli) storeCommand(ctx context.Context, args []string) error {
	fs, loc := c.flags("store copy", "store copy --to postgres://USER:PASSWORD@HOST/DB [--data DIR]")
	var to string
	fs.StringVar(&to, "to", "", "the empty PostgreSQL database to copy into, as a `URL` (postgres://USER:PASSWORD@HOST/DB?sslmode=verify-full)")
	if _, stop, err := parseVerb(fs, args, "copy", 0); stop {
		return err
	}
	if !strings.HasPrefix(to, "postgres://") && !strings.HasPrefix(to, "postgresql://") {
		return errors.New("store copy needs --to postgres://USER:PASSWORD@HOST/DB, an empty PostgreSQL database")
	}
	if !store.IsSQLite(loc.database) {
		return errors.New("store copy copies the SQLite store of --data: --database names a PostgreSQL store already")
	}
	// Opening would create an empty database: a copy of nothing is a mistake.
	dbPath := filepath.Join(loc.data, store.DatabaseFile)
	if _, err := os.Stat(dbPath); errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("no database at %s: give the server's --data directory", dbPath)
	}
	src, err := c.openStore(ctx, *loc)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := store.OpenPostgres(ctx, to) // migrates it, as a node starting on it would
	if err != nil {
		return err
	}
	defer dst.Close()
	copied, err := src.CopyTo(ctx, dst)
	if err != nil {
		return fmt.Errorf("copy to %s: %w", store.RedactURL(to), err)
	}
	what := make([]string, len(copied))
	for i, n := range copied {
		what[i] = n.String()
	}
	fmt.Fprintf(c.stdout, "Copied %s from %s to %s.\n", strings.Join(what, ", "), dbPath, store.RedactURL(to))
	return nil
}
