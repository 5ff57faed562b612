package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/ftppanel/ftppanel/internal/ftpd"
	"github.com/ftppanel/ftppanel/internal/store"
)

// ftpUser runs "ftp-user add LOGIN --customer NAME": an FTP account confined to
// DATA/home/NAME/LOGIN. A running server accepts it at once.
func (c *cli) ftpUser(ctx context.Context, args []string) error {
	fs, data := c.flags("ftp-user add", "ftp-user add LOGIN --customer NAME [--data DIR]")
	customer := fs.String("customer", "", "the hosting customer `NAME` that owns the account (required)")
	if len(args) == 0 || args[0] != "add" {
		fs.Usage()
		if len(args) > 0 && isHelp(args[0]) {
			return nil
		}
		return errUsage
	}
	positional, stop, err := parseOrHelp(fs, args[1:])
	if stop {
		return err
	}
	login, err := oneName(fs, positional)
	if err != nil {
		return err
	}
	if *customer == "" {
		fs.Usage()
		return errors.New("--customer is required")
	}
	if err := store.ValidateName("FTP login", login); err != nil {
		return err
	}
	pw, err := c.readPassword(login)
	if err != nil {
		return err
	}
	db, err := c.openStore(ctx, *data)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.AddFTPAccount(ctx, login, *customer, pw); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("no customer named %q; add it first with: %s customer add %s", *customer, c.prog, *customer)
		}
		return err
	}
	home := ftpd.HomeDir(*data, *customer, login)
	if err := os.MkdirAll(home, 0o750); err != nil {
		// Nothing half-created: without its home the account goes too.
		return errors.Join(fmt.Errorf("create home directory for %q: %w", login, err), db.DeleteFTPAccount(ctx, login))
	}
	fmt.Fprintf(c.stdout, "Added FTP account %q for customer %q; its files live in %s.\n", login, *customer, home)
	return nil
}
