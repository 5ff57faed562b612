package main

import (
	"context"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/ftppanel/ftppanel/internal/apiclient"
	"github.com/ftppanel/ftppanel/internal/format"
	"github.com/ftppanel/ftppanel/internal/session"
)

// sessions runs "sessions": the live FTP sessions of a running server, as a
// table like pure-ftpwho's or as the API's JSON.
func (c *cli) sessions(ctx context.Context, args []string) error {
	fs, panelURL := c.apiFlags("sessions", "sessions [--json] [--login LOGIN] [--node NAME] [--url URL]")
	asJSON := fs.Bool("json", false, "print the API's JSON instead of a table")
	login := fs.String("login", "", "only sessions whose FTP login contains `LOGIN`")
	node := fs.String("node", "", "only sessions of the fleet's node `NAME` (exactly)")
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
	filter := apiclient.Filter{Login: *login, Node: *node}
	if *asJSON {
		body, err := api.FilteredSessionsJSON(ctx, filter)
		if err != nil {
			return apiError(err)
		}
		_, err = c.stdout.Write(body)
		return err
	}
	list, err := api.FilteredSessions(ctx, filter)
	if err != nil {
		return apiError(err)
	}
	if len(list) == 0 {
		fmt.Fprintln(c.stdout, "No users logged in")
		return nil
	}
	// The sessions of a fleet's nodes get a NODE column, last so that the
	// columns before it stay where scripts of a single node find them.
	// Likewise a LIMIT column, when a session is limited.
	nodes, limits := false, false
	for _, s := range list {
		nodes = nodes || s.Node != list[0].Node
		limits = limits || limitCell(s) != "-"
	}
	tw := tabwriter.NewWriter(c.stdout, 0, 0, 2, ' ', 0)
	header := "ID\tLOGIN\tCUSTOMER\tIP\tSTATE\tFILE\tRATE\tIDLE"
	if limits {
		header += "\tLIMIT"
	}
	if nodes {
		header += "\tNODE"
	}
	fmt.Fprintln(tw, header)
	for _, s := range list {
		row := fmt.Sprintf("%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s", printable(s.ID), cell(s.Login), cell(s.Customer),
			cell(s.RemoteIP), cell(s.State), cell(s.File), rate(s), format.Duration(time.Duration(s.IdleSeconds)*time.Second))
		if limits {
			row += "\t" + limitCell(s)
		}
		if nodes {
			row += "\t" + cell(s.Node)
		}
		fmt.Fprintln(tw, row)
	}
	return tw.Flush()
}

// printable shows text from the server as the panel does: control and
// bidirectional characters as escapes, so a name an FTP client chose cannot drive
// the operator's terminal.
func printable(s string) string { return session.Visible(s, session.MaxFileLen) }

// cell is a table cell: printable, "-" when empty.
func cell(s string) string {
	if s == "" {
		return "-"
	}
	return printable(s)
}

// rate is a transfer's current rate; "-" when nothing moves.
func rate(s apiclient.Session) string {
	if s.Rate <= 0 && s.State != "uploading" && s.State != "downloading" {
		return "-"
	}
	return format.Rate(s.Rate)
}

// limitCell is what limits a session's transfers: for each direction the lower
// of its own limit and its account's; "-" when nothing does.
func limitCell(s apiclient.Session) string {
	down := lowerLimit(s.RateLimit, s.AccountDownloadLimit)
	up := lowerLimit(s.RateLimit, s.AccountUploadLimit)
	switch {
	case down <= 0 && up <= 0:
		return "-"
	case down == up:
		return format.Limit(down)
	}
	return format.Limits(down, up)
}

// lowerLimit is the lower of two limits, where 0 is none.
func lowerLimit(a, b int64) int64 {
	if a <= 0 || (b > 0 && b < a) {
		return b
	}
	return a
}
