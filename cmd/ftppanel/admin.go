package main

import (
	"context"
	"fmt"

	"github.com/ftppanel/ftppanel/internal/store"
)

// admin runs "admin add NAME": a panel administrator, who sees every session.
func (c *cli) admin(ctx context.Context, args []string) error {
	fs, data := c.flags("admin add", "admin add NAME [--data DIR]")
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
	if err := store.ValidateName("admin", name); err != nil {
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
	if err := db.AddAdmin(ctx, name, pw); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "Added panel admin %q.\n", name)
	return nil
}

func isHelp(arg string) bool {
	return arg == "-h" || arg == "-help" || arg == "--help" || arg == "help"
}
