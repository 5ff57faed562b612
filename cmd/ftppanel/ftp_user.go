package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/ftppanel/ftppanel/internal/ftpd"
	"github.com/ftppanel/ftppanel/internal/store"
)

// ftpUser runs "ftp-user add LOGIN --customer NAME": an FTP account confined to
// DATA/home/NAME/LOGIN. A running server accepts it at once.
func (c *cli) ftpUser(ctx context.Context, args []string) error {
	var customer *string
	return c.add(ctx, args, addCommand{
		name:  "ftp-user add",
		usage: "ftp-user add LOGIN --customer NAME [--data DIR]",
		kind:  "FTP login",
		flags: func(fs *flag.FlagSet) {
			customer = fs.String("customer", "", "the hosting customer `NAME` that owns the account (required)")
		},
		check: func() error {
			if *customer == "" {
				return errors.New("--customer is required")
			}
			return nil
		},
		create: func(ctx context.Context, db *store.DB, dataDir, login, pw string) (string, error) {
			if err := db.AddFTPAccount(ctx, login, *customer, pw); err != nil {
				if errors.Is(err, store.ErrNotFound) {
					return "", fmt.Errorf("no customer named %q; add it first with: %s customer add %s", *customer, c.prog, *customer)
				}
				return "", err
			}
			home := ftpd.HomeDir(dataDir, *customer, login)
			if err := os.MkdirAll(home, 0o750); err != nil {
				// Nothing half-created: without its home the account goes too.
				return "", errors.Join(fmt.Errorf("create home directory for %q: %w", login, err), db.DeleteFTPAccount(ctx, login))
			}
			return fmt.Sprintf("Added FTP account %q for customer %q; its files live in %s.", login, *customer, home), nil
		},
	})
}
