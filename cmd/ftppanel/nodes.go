package main

import (
	"context"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/ftppanel/ftppanel/internal/format"
)

// nodes runs "nodes": the nodes of the running server's fleet (the server
// alone when it is not one of a fleet), as a table or as the API's JSON. It
// needs an administrator's token.
func (c *cli) nodes(ctx context.Context, args []string) error {
	fs, panelURL := c.apiFlags("nodes", "nodes [--json] [--url URL]")
	asJSON := fs.Bool("json", false, "print the API's JSON instead of a table")
	positional, stop, err := parseOrHelp(fs, args)
	if stop {
		return err
	}
	if len(positional) > 0 {
		fs.Usage()
		return errUsage
	}
	api, err := c.newAPIClient(*panelURL)
	if err != nil {
		return err
	}
	defer api.Close()
	if *asJSON {
		body, err := api.NodesJSON(ctx)
		if err != nil {
			return apiError(err)
		}
		_, err = c.stdout.Write(body)
		return err
	}
	list, err := api.Nodes(ctx)
	if err != nil {
		return apiError(err)
	}
	now := time.Now()
	tw := tabwriter.NewWriter(c.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tVERSION\tUP-SINCE\tLAST-HEARD\tSESSIONS\tTRANSFERS\tRATE\tSTATE")
	for _, n := range list {
		state := "down"
		if n.Up {
			state = "up"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\t%s\t%s\n", cell(n.Name), cell(n.Version), since(n.UpSince),
			ago(n.LastHeard, now), n.Sessions, n.Transfers, format.Rate(n.Rate), state)
	}
	return tw.Flush()
}

// since is an instant in UTC, "-" when unknown.
func since(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}

// ago says how long ago an instant was ("3s ago"), "-" when never.
func ago(t *time.Time, now time.Time) string {
	if t == nil {
		return "-"
	}
	return format.Duration(now.Sub(*t)) + " ago"
}
