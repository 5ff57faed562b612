package main

import (
	"context"
	"fmt"

	"github.com/ftppanel/ftppanel/internal/format"
	"github.com/ftppanel/ftppanel/internal/session"
)

// throttle runs "throttle ID RATE": limits a session's transfers, the running
// one within a second, through the running server's API, which writes the
// audit log. RATE is bytes per second with K, M or G ("500K", "1M"); "off"
// lifts the limit.
func (c *cli) throttle(ctx context.Context, args []string) error {
	fs, panelURL := c.apiFlags("throttle", "throttle ID RATE [--url URL]\n\nRATE is bytes per second, such as 500K, 1M or 2.5M; off lifts the limit.")
	positional, stop, err := parseOrHelp(fs, args)
	if stop {
		return err
	}
	if len(positional) != 2 {
		fs.Usage()
		return errUsage
	}
	id := positional[0]
	if !session.ValidID(id) {
		return fmt.Errorf("%q is not a session ID; \"%s sessions\" lists them", printable(id), c.prog)
	}
	bps, err := format.ParseLimit(positional[1])
	if err != nil {
		return fmt.Errorf("RATE %w", err)
	}
	api, err := c.newAPIClient(*panelURL)
	if err != nil {
		return err
	}
	defer api.Close()
	s, err := api.Throttle(ctx, id, bps)
	if err != nil {
		return apiError(err)
	}
	who := printable(s.Login)
	if who == "" {
		who = "a connection that had not logged in"
	}
	if bps == 0 {
		fmt.Fprintf(c.stdout, "Lifted the speed limit of %s (%s), session %s.\n", who, printable(s.RemoteIP), id)
	} else {
		fmt.Fprintf(c.stdout, "Limited %s (%s), session %s, to %s.\n", who, printable(s.RemoteIP), id, format.Limit(bps))
	}
	return nil
}
