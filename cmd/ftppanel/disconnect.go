package main

import (
	"context"
	"fmt"

	"github.com/ftppanel/ftppanel/internal/apiclient"
	"github.com/ftppanel/ftppanel/internal/session"
	"github.com/ftppanel/ftppanel/internal/store"
)

// disconnect runs "disconnect ID" and "disconnect --login LOGIN": closes FTP
// sessions of a running server through its API, which writes the audit log.
func (c *cli) disconnect(ctx context.Context, args []string) error {
	fs, panelURL := c.apiFlags("disconnect", "disconnect ID [--url URL]\n       "+c.prog+" disconnect --login LOGIN [--url URL]")
	login := fs.String("login", "", "disconnect every session of the FTP login `LOGIN` (exact match)")
	positional, stop, err := parseOrHelp(fs, args)
	if stop {
		return err
	}
	if (len(positional) == 1) == (*login != "") || len(positional) > 1 {
		fs.Usage()
		return errUsage
	}
	if *login != "" {
		if err := store.ValidateName("FTP login", *login); err != nil {
			return err
		}
	} else if !session.ValidID(positional[0]) {
		return fmt.Errorf("%q is not a session ID; \"%s sessions\" lists them", positional[0], c.prog)
	}
	api, err := c.newAPIClient(*panelURL)
	if err != nil {
		return err
	}
	defer api.Close()
	if *login != "" {
		return c.disconnectLogin(ctx, api, *login)
	}
	return c.disconnectID(ctx, api, positional[0])
}

func (c *cli) disconnectID(ctx context.Context, api *apiclient.Client, id string) error {
	// Asked first, to say whom the disconnect hit.
	s, err := api.Session(ctx, id)
	if err != nil {
		return apiError(err)
	}
	if err := api.Disconnect(ctx, id); err != nil {
		return apiError(err)
	}
	who := printable(s.Login)
	if who == "" {
		who = "a connection that had not logged in"
	}
	fmt.Fprintf(c.stdout, "Disconnected %s (%s), session %s.\n", who, printable(s.RemoteIP), id)
	return nil
}

func (c *cli) disconnectLogin(ctx context.Context, api *apiclient.Client, login string) error {
	n, err := api.DisconnectLogin(ctx, login)
	if err != nil {
		return apiError(err)
	}
	switch n {
	case 0:
		fmt.Fprintf(c.stdout, "%s had no sessions to disconnect.\n", login)
	case 1:
		fmt.Fprintf(c.stdout, "Disconnected 1 session of %s.\n", login)
	default:
		fmt.Fprintf(c.stdout, "Disconnected %d sessions of %s.\n", n, login)
	}
	return nil
}
