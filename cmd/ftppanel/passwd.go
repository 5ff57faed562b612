package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/ftppanel/ftppanel/internal/store"
)

// panelPasswd runs "admin passwd NAME" and "customer passwd NAME": a new panel
// password from standard input. Every browser signed in as NAME is signed out;
// NAME's API tokens keep working ("token revoke" ends them). The change is
// audited as the panel audits a password change (a customer's under its name).
func (c *cli) panelPasswd(ctx context.Context, role store.Role, args []string) error {
	kind := string(role)
	fs, loc := c.flags(kind+" passwd", kind+" passwd NAME [--data DIR]\n\n"+
		"The new password is read from the first line of standard input.")
	positional, stop, err := parseOrHelp(fs, args)
	if stop {
		return err
	}
	if len(positional) != 1 {
		fs.Usage()
		return errUsage
	}
	name := positional[0]
	if err := store.ValidateName(kind, name); err != nil {
		return err
	}
	pw, err := c.readPassword(name)
	if err != nil {
		return err
	}
	db, err := c.openStore(ctx, *loc)
	if err != nil {
		return err
	}
	defer db.Close()
	ended, err := db.SetPanelPassword(ctx, name, role, pw)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no %s named %q", map[store.Role]string{store.RoleAdmin: "panel admin", store.RoleCustomer: "customer"}[role], name)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "Changed the panel password of %q and signed it out of %s.\n", name, browsers(ended))
	e := store.AuditEntry{Action: "change panel password", Detail: "signed out " + browsers(ended)}
	if role == store.RoleCustomer {
		e.Customer = name
	} else {
		// The panel's row names the admin as its actor; this one's actor is
		// the command line, so the detail says whose password it was.
		e.Detail = fmt.Sprintf("admin %q; %s", name, e.Detail)
	}
	return c.audit(ctx, db, e)
}

// browsers says how many signed-in browsers: "no browser", "1 browser", "3 browsers".
func browsers(n int) string {
	switch n {
	case 0:
		return "no browser"
	case 1:
		return "1 browser"
	}
	return fmt.Sprintf("%d browsers", n)
}
