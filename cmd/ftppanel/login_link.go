package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/ftppanel/ftppanel/internal/panel"
	"github.com/ftppanel/ftppanel/internal/store"
)

// loginLink runs "login-link CUSTOMER": it prints a URL that signs the
// customer in to the panel once, within a minute, for a host's control panel
// to send the customer to (single sign-on, as WHM opens cPanel). Whoever runs
// it owns the data directory, so no password is asked.
func (c *cli) loginLink(ctx context.Context, args []string) error {
	fs, loc := c.flags("login-link", "login-link CUSTOMER [--url URL] [--data DIR]")
	base := fs.String("url", defaultPanelURL, "the panel's `URL` as the customer's browser reaches it, with the base path: https://host.example.com/ftp-sessions")
	positional, stop, err := parseOrHelp(fs, args)
	if stop {
		return err
	}
	if len(positional) != 1 {
		fs.Usage()
		return errUsage
	}
	customer := positional[0]
	if err := store.ValidateName("customer", customer); err != nil {
		return err
	}
	u, err := url.Parse(*base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("--url %q: want the panel's address, such as https://host.example.com/ftp-sessions", *base)
	}
	db, err := c.openStore(ctx, *loc)
	if err != nil {
		return err
	}
	defer db.Close()
	token, expires, err := db.CreateLoginLink(ctx, customer)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no customer named %q; add one with \"%s customer add %s\"", customer, c.prog, customer)
	}
	if err != nil {
		return err
	}
	// The URL alone on standard output, for $(...); the rest to standard error.
	fmt.Fprintln(c.stdout, strings.TrimRight(*base, "/")+panel.LoginLinkPath(token))
	fmt.Fprintf(c.stderr, "The link signs %s in once, until %s (one minute).\n", customer, expires.Format("15:04:05 MST"))
	return nil
}
