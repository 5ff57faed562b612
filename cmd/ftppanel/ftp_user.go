package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/ftppanel/ftppanel/internal/format"
	"github.com/ftppanel/ftppanel/internal/ftpd"
	"github.com/ftppanel/ftppanel/internal/store"
)

// ftpUser runs "ftp-user add LOGIN --customer NAME": an FTP account confined to
// DATA/home/NAME/LOGIN. A running server accepts it at once. The other ftp-user
// commands change an account (changeFTPUser).
func (c *cli) ftpUser(ctx context.Context, args []string) error {
	if len(args) > 0 && args[0] == "limit" {
		return c.limitFTPUser(ctx, args[1:])
	}
	if len(args) > 0 && slices.Contains(ftpUserChanges, args[0]) {
		return c.changeFTPUser(ctx, args[0], args[1:])
	}
	var customer *string
	return c.add(ctx, args, addCommand{
		name: "ftp-user add",
		usage: "ftp-user add LOGIN --customer NAME [--data DIR]\n" +
			"       " + c.prog + " ftp-user passwd|disable|enable|delete LOGIN [--data DIR]\n" +
			"       " + c.prog + " ftp-user idle-timeout LOGIN DURATION [--data DIR]\n" +
			"       " + c.prog + " ftp-user limit LOGIN [--down RATE] [--up RATE] [--data DIR]",
		kind: "FTP login",
		flags: func(fs *flag.FlagSet) {
			customer = fs.String("customer", "", "the hosting customer `NAME` that owns the account (required)")
		},
		check: func() error {
			if *customer == "" {
				return errors.New("--customer is required")
			}
			return nil
		},
		create: func(ctx context.Context, db *store.DB, dataDir, login, pw string) (string, error) {
			if err := db.AddFTPAccount(ctx, login, *customer, pw); err != nil {
				if errors.Is(err, store.ErrNotFound) {
					return "", fmt.Errorf("no customer named %q; add it first with: %s customer add %s", *customer, c.prog, *customer)
				}
				return "", err
			}
			home := ftpd.HomeDir(dataDir, *customer, login)
			if err := os.MkdirAll(home, 0o750); err != nil {
				// Nothing half-created: without its home the account goes too.
				return "", errors.Join(fmt.Errorf("create home directory for %q: %w", login, err), db.DeleteFTPAccount(ctx, login))
			}
			return fmt.Sprintf("Added FTP account %q for customer %q; its files live in %s.", login, *customer, home), nil
		},
		audit: func(login string) store.AuditEntry {
			// As the panel says it: the home as the customer sees it.
			return store.AuditEntry{Action: "create account", FTPLogin: login, Customer: *customer, Detail: "home directory /" + login}
		},
	})
}

// ftpUserChanges are the ftp-user commands that change an existing account.
var ftpUserChanges = []string{"passwd", "disable", "enable", "delete", "idle-timeout"}

// changeFTPUser runs "ftp-user passwd|disable|enable|delete LOGIN" and
// "ftp-user idle-timeout LOGIN DURATION". A new password, disabling and deleting
// are recorded for the running server, which disconnects the account's live
// sessions within a second. Each change is audited, as the panel's.
func (c *cli) changeFTPUser(ctx context.Context, action string, args []string) error {
	usage := "ftp-user " + action + " LOGIN [--data DIR]"
	if action == "idle-timeout" {
		usage = "ftp-user idle-timeout LOGIN DURATION [--data DIR]\n\n" +
			"DURATION is like 30m or 2h (at most 24h); 0 gives the account the server's idle timeout again."
	}
	if action == "passwd" {
		usage += "\n\nThe new password is read from the first line of standard input."
	}
	fs, loc := c.flags("ftp-user "+action, usage)
	positional, stop, err := parseOrHelp(fs, args)
	if stop {
		return err
	}
	want := 1
	if action == "idle-timeout" {
		want = 2
	}
	if len(positional) != want {
		fs.Usage()
		return errUsage
	}
	login := positional[0]
	if err := store.ValidateName("FTP login", login); err != nil {
		return err
	}
	var idle time.Duration
	if action == "idle-timeout" {
		if idle, err = parseIdleTimeout(positional[1]); err != nil {
			return err
		}
	}
	var pw string
	if action == "passwd" {
		if pw, err = c.readPassword(login); err != nil {
			return err
		}
	}
	db, err := c.openStore(ctx, *loc)
	if err != nil {
		return err
	}
	defer db.Close()
	a, err := db.FTPAccountIn(ctx, store.AllAccounts(), login)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no FTP account named %q", login)
	}
	if err != nil {
		return err
	}
	const ends = "; a running server disconnects its live sessions within a second"
	var done string
	// The audit log entry, with the panel's action for the same change; the
	// running server audits each session it ends as "server".
	e := store.AuditEntry{FTPLogin: login, Customer: a.Customer}
	switch action {
	case "passwd":
		err = db.SetFTPPassword(ctx, login, pw)
		done = fmt.Sprintf("Changed the password of FTP account %q%s.", login, ends)
		e.Action = "change password"
	case "disable":
		err = db.SetFTPDisabled(ctx, login, true)
		done = fmt.Sprintf("Disabled FTP account %q: it can no longer log in%s.", login, ends)
		e.Action = "disable account"
	case "enable":
		err = db.SetFTPDisabled(ctx, login, false)
		done = fmt.Sprintf("Enabled FTP account %q: it can log in again.", login)
		e.Action = "enable account"
	case "delete":
		err = db.DeleteFTPAccount(ctx, login)
		done = fmt.Sprintf("Deleted FTP account %q%s. Its files stay in %s.", login, ends, ftpd.HomeDir(loc.data, a.Customer, login))
		e.Action = "delete account"
	case "idle-timeout":
		err = db.SetFTPIdleTimeout(ctx, login, idle)
		done = fmt.Sprintf("FTP account %q now has its sessions dropped after %s idle.", login, idle)
		if idle == 0 {
			done = fmt.Sprintf("FTP account %q now has the server's idle timeout.", login)
		}
		e.Action, e.Detail = "change account", idleTimeoutAudit(idle)
	}
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no FTP account named %q", login)
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(c.stdout, done)
	return c.audit(ctx, db, e)
}

// maxAccountIdleTimeout bounds an account's own idle timeout.
const maxAccountIdleTimeout = 24 * time.Hour

// parseIdleTimeout reads an account's idle timeout: a duration in whole seconds
// from 1s to 24h, or 0 for the server's.
func parseIdleTimeout(s string) (time.Duration, error) {
	if s == "0" {
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a duration such as 30m or 2h (0 for the server's idle timeout)", s)
	}
	if d < time.Second || d > maxAccountIdleTimeout || d%time.Second != 0 {
		return 0, fmt.Errorf("idle timeout %q: want whole seconds from 1s to %s, or 0 for the server's", s, maxAccountIdleTimeout)
	}
	return d, nil
}

// limitFTPUser runs "ftp-user limit LOGIN [--down RATE] [--up RATE]": the
// account's download and upload limits, which a running server applies to the
// account's live sessions within a second, without reconnecting them. A
// direction left out keeps its limit; off or 0 lifts it. A change is audited as
// the panel's "limit account".
func (c *cli) limitFTPUser(ctx context.Context, args []string) error {
	fs, loc := c.flags("ftp-user limit", "ftp-user limit LOGIN [--down RATE] [--up RATE] [--data DIR]\n\n"+
		"RATE is bytes per second, such as 512K, 2M or 1.5M; off lifts the limit. A direction left out keeps its limit.\n"+
		"Without --down and --up, it prints the account's limits.")
	down := fs.String("down", "", "limit the account's downloads to `RATE`")
	up := fs.String("up", "", "limit the account's uploads to `RATE`")
	positional, stop, err := parseOrHelp(fs, args)
	if stop {
		return err
	}
	if len(positional) != 1 {
		fs.Usage()
		return errUsage
	}
	login := positional[0]
	if err := store.ValidateName("FTP login", login); err != nil {
		return err
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var change store.LimitsChange
	if given["down"] {
		bps, err := format.ParseLimit(*down)
		if err != nil {
			return fmt.Errorf("--down %w", err)
		}
		change.Download = &bps
	}
	if given["up"] {
		bps, err := format.ParseLimit(*up)
		if err != nil {
			return fmt.Errorf("--up %w", err)
		}
		change.Upload = &bps
	}
	db, err := c.openStore(ctx, *loc)
	if err != nil {
		return err
	}
	defer db.Close()
	a, err := db.FTPAccountIn(ctx, store.AllAccounts(), login)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no FTP account named %q", login)
	}
	if err != nil {
		return err
	}
	if change.Download == nil && change.Upload == nil {
		fmt.Fprintf(c.stdout, "FTP account %q: %s.\n", login, format.Limits(a.DownloadLimit, a.UploadLimit))
		return nil
	}
	// Only the directions given are written: a direction left out keeps the
	// value it has when the change is made, not the one read before.
	limits, err := db.ChangeFTPLimits(ctx, login, change)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no FTP account named %q", login)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "FTP account %q: %s; a running server applies it to the live sessions within a second.\n",
		login, format.Limits(limits.Download, limits.Upload))
	return c.audit(ctx, db, store.AuditEntry{Action: "limit account", FTPLogin: login, Customer: a.Customer,
		Detail: format.Limits(limits.Download, limits.Upload)})
}
