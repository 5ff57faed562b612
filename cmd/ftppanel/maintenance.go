package main

import (
	"context"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/ftppanel/ftppanel/internal/apiclient"
	"github.com/ftppanel/ftppanel/internal/session"
)

// maintenance runs "maintenance on --message TEXT [--disconnect-after D]",
// "maintenance off" and "maintenance" (the state), as ftpshut does, on the node
// whose panel --url names, through its API (which writes the audit log). It
// needs an administrator's token.
func (c *cli) maintenance(ctx context.Context, args []string) error {
	fs, panelURL := c.apiFlags("maintenance", "maintenance [on --message TEXT [--disconnect-after DURATION] | off] [--url URL]")
	message := fs.String("message", "", "with on: tell new FTP logins `TEXT` (\"421 TEXT\")")
	after := fs.Duration("disconnect-after", 0, "with on: disconnect the sessions still open after `DURATION` (10m, 1h), with the message; never when 0")
	positional, stop, err := parseOrHelp(fs, args)
	if stop {
		return err
	}
	action := ""
	if len(positional) == 1 {
		action = positional[0]
	}
	if len(positional) > 1 || (action != "" && action != "on" && action != "off") ||
		(action != "on" && (*message != "" || *after != 0)) || *after < 0 {
		fs.Usage()
		return errUsage
	}
	if utf8.RuneCountInString(*message) > session.MaxMessageLen {
		return fmt.Errorf("the message can be at most %d characters", session.MaxMessageLen)
	}
	api, err := c.newAPIClient(*panelURL)
	if err != nil {
		return err
	}
	defer api.Close()
	var m apiclient.Maintenance
	switch action {
	case "on":
		d := ""
		if *after > 0 {
			d = after.String()
		}
		m, err = api.StartMaintenance(ctx, *message, d)
	case "off":
		m, err = api.StopMaintenance(ctx)
	default:
		m, err = api.Maintenance(ctx)
	}
	if err != nil {
		return apiError(err)
	}
	c.printMaintenance(m)
	return nil
}

func (c *cli) printMaintenance(m apiclient.Maintenance) {
	node := cell(m.Node)
	if !m.On {
		fmt.Fprintf(c.stdout, "maintenance is off on node %s: FTP logins are let in\n", node)
		return
	}
	fmt.Fprintf(c.stdout, "maintenance is on on node %s since %s, by %s: new FTP logins are refused\n",
		node, since(m.Since), cell(m.By))
	if m.Message != "" {
		fmt.Fprintf(c.stdout, "message: %s\n", printable(m.Message))
	}
	if m.Deadline != nil {
		fmt.Fprintf(c.stdout, "sessions still open at %s are disconnected\n", m.Deadline.UTC().Format(time.RFC3339))
	}
}
