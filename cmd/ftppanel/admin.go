package main

import (
	"context"
	"fmt"

	"github.com/ftppanel/ftppanel/internal/store"
)

// admin runs "admin add NAME": a panel administrator, who sees every session;
// "admin passwd NAME" gives one a new password (panelPasswd).
func (c *cli) admin(ctx context.Context, args []string) error {
	if len(args) > 0 && args[0] == "passwd" {
		return c.panelPasswd(ctx, store.RoleAdmin, args[1:])
	}
	return c.add(ctx, args, addCommand{
		name:  "admin add",
		usage: "admin add NAME [--data DIR]\n       " + c.prog + " admin passwd NAME [--data DIR]",
		kind:  "admin",
		create: func(ctx context.Context, db *store.DB, _ string, name, pw string) (string, error) {
			return fmt.Sprintf("Added panel admin %q.", name), db.AddAdmin(ctx, name, pw)
		},
	})
}
