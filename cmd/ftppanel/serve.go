package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

// serve runs the FTP server and the panel until ctx is cancelled or one of
// them fails. SIGHUP reloads the FTPS certificate.
func (c *cli) serve(ctx context.Context, args []string) error {
	// Taken first, so that a SIGHUP while starting does not end the process.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	cfg, stop, err := c.parseServe(args)
	if stop {
		return err
	}
	svc := newService(cfg, c)
	if err := svc.Run(ctx); err != nil {
		return errors.Join(err, svc.Close())
	}
wait:
	for {
		select {
		case <-ctx.Done():
			break wait
		case err = <-svc.Failed():
			err = fmt.Errorf("web panel or metrics: %w", err)
			break wait
		case <-hup:
			svc.ReloadCertificate()
		}
	}
	fmt.Fprintln(c.stdout, "Shutting down: closing the panel and every FTP session")
	return errors.Join(err, svc.Close())
}
