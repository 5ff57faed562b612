package main

import (
	"context"
	"fmt"

	"github.com/ftppanel/ftppanel/internal/store"
)

// customer runs "customer add NAME": a hosting customer, who signs in to the panel
// with NAME and sees only the sessions of its own FTP accounts.
func (c *cli) customer(ctx context.Context, args []string) error {
	return c.add(ctx, args, addCommand{
		name:  "customer add",
		usage: "customer add NAME [--data DIR]",
		kind:  "customer",
		create: func(ctx context.Context, db *store.DB, _ string, name, pw string) (string, error) {
			return fmt.Sprintf("Added customer %q; it signs in to the panel as %q.", name, name), db.AddCustomer(ctx, name, pw)
		},
	})
}
