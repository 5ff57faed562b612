package main

import (
	"context"
	"fmt"

	"github.com/ftppanel/ftppanel/internal/store"
)

// customer runs "customer add NAME": a hosting customer, who signs in to the panel
// with NAME and sees only the sessions of its own FTP accounts. "customer passwd
// NAME" gives it a new panel password (panelPasswd). Both are audited.
func (c *cli) customer(ctx context.Context, args []string) error {
	if len(args) > 0 && args[0] == "passwd" {
		return c.panelPasswd(ctx, store.RoleCustomer, args[1:])
	}
	return c.add(ctx, args, addCommand{
		name:  "customer add",
		usage: "customer add NAME [--data DIR]\n       " + c.prog + " customer passwd NAME [--data DIR]",
		kind:  "customer",
		create: func(ctx context.Context, db *store.DB, _ string, name, pw string) (string, error) {
			return fmt.Sprintf("Added customer %q; it signs in to the panel as %q.", name, name), db.AddCustomer(ctx, name, pw)
		},
		audit: func(name string) store.AuditEntry {
			return store.AuditEntry{Action: "create customer", Customer: name}
		},
	})
}
