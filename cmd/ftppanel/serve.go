package main

import (
	"context"
	"errors"
	"fmt"
)

// serve runs the FTP server and the panel until ctx is cancelled or one of
// them fails.
func (c *cli) serve(ctx context.Context, args []string) error {
	cfg, stop, err := c.parseServe(args)
	if stop {
		return err
	}
	svc := newService(cfg, c)
	if err := svc.Run(ctx); err != nil {
		return errors.Join(err, svc.Close())
	}
	select {
	case <-ctx.Done():
	case err = <-svc.Failed():
		err = fmt.Errorf("web panel or metrics: %w", err)
	}
	fmt.Fprintln(c.stdout, "Shutting down: closing the panel and every FTP session")
	return errors.Join(err, svc.Close())
}
