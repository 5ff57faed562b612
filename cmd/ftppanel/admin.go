package main

import (
	"context"
	"fmt"

	"github.com/ftppanel/ftppanel/internal/store"
)

// admin runs "admin add NAME": a panel administrator, who sees every session.
func (c *cli) admin(ctx context.Context, args []string) error {
	return c.add(ctx, args, addCommand{
		name:  "admin add",
		usage: "admin add NAME [--data DIR]",
		kind:  "admin",
		create: func(ctx context.Context, db *store.DB, _ string, name, pw string) (string, error) {
			return fmt.Sprintf("Added panel admin %q.", name), db.AddAdmin(ctx, name, pw)
		},
	})
}
