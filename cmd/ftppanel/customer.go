package main

import (
	"context"
	"fmt"

	"github.com/ftppanel/ftppanel/internal/store"
)

// customer runs "customer add NAME": a hosting customer, who signs in to the panel
// with NAME and sees only the sessions of its own FTP accounts.
func (c *cli) customer(ctx context.Context, args []string) error {
	fs, data := c.flags("customer add", "customer add NAME [--data DIR]")
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
	name, err := oneName(fs, positional)
	if err != nil {
		return err
	}
	if err := store.ValidateName("customer", name); err != nil {
		return err
	}
	pw, err := c.readPassword(name)
	if err != nil {
		return err
	}
	db, err := c.openStore(ctx, *data)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.AddCustomer(ctx, name, pw); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "Added customer %q; it signs in to the panel as %q.\n", name, name)
	return nil
}
