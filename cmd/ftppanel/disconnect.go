package main

import (
	"context"
	"fmt"
	"unicode/utf8"

	"github.com/ftppanel/ftppanel/internal/apiclient"
	"github.com/ftppanel/ftppanel/internal/session"
	"github.com/ftppanel/ftppanel/internal/store"
)

// disconnect runs "disconnect ID", "disconnect --login LOGIN" and "disconnect
// --ip ADDR|CIDR": closes FTP sessions of a running server through its API,
// which writes the audit log; --reason is told to each client.
func (c *cli) disconnect(ctx context.Context, args []string) error {
	fs, panelURL := c.apiFlags("disconnect", "disconnect ID [--reason TEXT] [--url URL]\n       "+
		c.prog+" disconnect --login LOGIN [--reason TEXT] [--url URL]\n       "+
		c.prog+" disconnect --ip ADDR|CIDR [--reason TEXT] [--url URL]")
	login := fs.String("login", "", "disconnect every session of the FTP login `LOGIN` (exact match)")
	ip := fs.String("ip", "", "disconnect every session from the address or CIDR range `ADDR|CIDR` (203.0.113.7, 203.0.113.0/24)")
	reason := fs.String("reason", "", "tell the FTP client `TEXT` (\"421 TEXT\", plain FTP only) before the close; kept in the audit log and history")
	positional, stop, err := parseOrHelp(fs, args)
	if stop {
		return err
	}
	chosen := 0
	for _, given := range []bool{len(positional) == 1, *login != "", *ip != ""} {
		if given {
			chosen++
		}
	}
	if chosen != 1 || len(positional) > 1 {
		fs.Usage()
		return errUsage
	}
	if utf8.RuneCountInString(*reason) > session.MaxMessageLen {
		return fmt.Errorf("the reason can be at most %d characters", session.MaxMessageLen)
	}
	switch {
	case *login != "":
		if err := store.ValidateName("FTP login", *login); err != nil {
			return err
		}
	case *ip != "":
		if _, err := session.ParseNetwork(*ip); err != nil {
			return fmt.Errorf("--ip %q: %w", printable(*ip), err)
		}
	default:
		if !session.ValidID(positional[0]) {
			return fmt.Errorf("%q is not a session ID; \"%s sessions\" lists them", positional[0], c.prog)
		}
	}
	api, err := c.newAPIClient(*panelURL)
	if err != nil {
		return err
	}
	defer api.Close()
	switch {
	case *login != "":
		return c.disconnectLogin(ctx, api, *login, *reason)
	case *ip != "":
		return c.disconnectAddress(ctx, api, *ip, *reason)
	}
	return c.disconnectID(ctx, api, positional[0], *reason)
}

func (c *cli) disconnectID(ctx context.Context, api *apiclient.Client, id, reason string) error {
	// Asked first, to say whom the disconnect hit.
	s, err := api.Session(ctx, id)
	if err != nil {
		return apiError(err)
	}
	if err := api.Disconnect(ctx, id, reason); err != nil {
		return apiError(err)
	}
	who := printable(s.Login)
	if who == "" {
		who = "a connection that had not logged in"
	}
	fmt.Fprintf(c.stdout, "Disconnected %s (%s), session %s.\n", who, printable(s.RemoteIP), id)
	return nil
}

func (c *cli) disconnectLogin(ctx context.Context, api *apiclient.Client, login, reason string) error {
	n, err := api.DisconnectLogin(ctx, login, reason)
	if err != nil {
		return apiError(err)
	}
	c.sayDisconnected(n, "of "+login, login+" had no sessions to disconnect.")
	return nil
}

func (c *cli) disconnectAddress(ctx context.Context, api *apiclient.Client, ip, reason string) error {
	n, err := api.DisconnectAddress(ctx, ip, reason)
	if err != nil {
		return apiError(err)
	}
	c.sayDisconnected(n, "from "+printable(ip), "No sessions from "+printable(ip)+" to disconnect.")
	return nil
}

// sayDisconnected prints how many sessions a bulk disconnect closed, such as
// "Disconnected 2 sessions of bob.", or none when there were none.
func (c *cli) sayDisconnected(n int, whose, none string) {
	switch n {
	case 0:
		fmt.Fprintln(c.stdout, none)
	case 1:
		fmt.Fprintf(c.stdout, "Disconnected 1 session %s.\n", whose)
	default:
		fmt.Fprintf(c.stdout, "Disconnected %d sessions %s.\n", n, whose)
	}
}
