package main

import (
	"context"
	"errors"
	"fmt"
	"github.com/ftppanel/ftppanel/internal/i18n"
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
	fs, loc := c.flags("login-link", "login-link CUSTOMER [--url URL] [--lang LANG] [--data DIR]")
	base := fs.String("url", defaultPanelURL, "the panel's `URL` as the customer's browser reaches it, with the base path: https://host.example.com/ftp-sessions")
	lang := fs.String("lang", "", "the `LANG`uage the customer sees the panel in from then on: en, de, es, fr or pt-BR (default: the browser's)")
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
	tag, ok := i18n.Supported(*lang)
	if *lang != "" && !ok {
		return fmt.Errorf("--lang %q: the panel speaks en, de, es, fr and pt-BR", *lang)
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
	link := strings.TrimRight(*base, "/") + panel.LoginLinkPath(token)
	if tag != "" {
		link += "?" + url.Values{"lang": {tag}}.Encode()
	}
	fmt.Fprintln(c.stdout, link)
	fmt.Fprintf(c.stderr, "The link signs %s in once, until %s (one minute).\n", customer, expires.Format("15:04:05 MST"))
	return nil
}
