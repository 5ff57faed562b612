package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/ftppanel/ftppanel/internal/store"
)

// token runs "token add|list|revoke": API tokens of a panel user. Whoever runs
// it owns the data directory, so no password is asked.
func (c *cli) token(ctx context.Context, args []string) error {
	usage := "token add NAME [--label TEXT] [--data DIR]\n" +
		"       " + c.prog + " token list NAME [--data DIR]\n" +
		"       " + c.prog + " token revoke NAME ID [--data DIR]"
	fs, loc := c.flags("token", usage)
	label := fs.String("label", "", "what the token is for, shown by \"token list\" (add only)")
	if len(args) == 0 || isHelp(args[0]) {
		fs.Usage()
		if len(args) > 0 {
			return nil
		}
		return errUsage
	}
	action := args[0]
	positional, stop, err := parseOrHelp(fs, args[1:])
	if stop {
		return err
	}
	want := map[string]int{"add": 1, "list": 1, "revoke": 2}[action]
	if want == 0 || len(positional) != want || (*label != "" && action != "add") {
		fs.Usage()
		return errUsage
	}
	name := positional[0]
	if err := store.ValidateName("panel user", name); err != nil {
		return err
	}
	var id int64
	if action == "revoke" {
		if id, err = strconv.ParseInt(positional[1], 10, 64); err != nil || id <= 0 {
			return fmt.Errorf("%q is not a token ID; \"%s token list %s\" shows them", positional[1], c.prog, name)
		}
	}
	if err := store.ValidateTokenLabel(*label); err != nil {
		return err
	}
	db, err := c.openStore(ctx, *loc)
	if err != nil {
		return err
	}
	defer db.Close()
	switch action {
	case "add":
		token, rec, err := db.CreateAPIToken(ctx, name, *label)
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("no panel user named %q; add one with \"%s admin add %s\" or \"%s customer add %s\"",
				name, c.prog, name, c.prog, name)
		}
		if err != nil {
			return err
		}
		// The token alone on standard output, for $(...); the rest to standard error.
		fmt.Fprintln(c.stdout, token)
		fmt.Fprintf(c.stderr, "API token %d acts as panel user %q with its scope. It is shown only this once;\n"+
			"use it as %s=TOKEN with \"%s sessions\", or as Authorization: Bearer TOKEN.\n", rec.ID, name, tokenEnv, c.prog)
		return nil
	case "list":
		tokens, err := db.APITokens(ctx, name)
		if err != nil {
			return err
		}
		if len(tokens) == 0 {
			fmt.Fprintf(c.stdout, "%s has no API tokens.\n", name)
			return nil
		}
		tw := tabwriter.NewWriter(c.stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tCREATED\tLAST USED\tLABEL")
		for _, t := range tokens {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", t.ID, t.CreatedAt.UTC().Format(time.RFC3339), when(t.LastUsedAt), cell(t.Label))
		}
		return tw.Flush()
	default: // revoke
		if err := db.RevokeAPIToken(ctx, name, id); errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("%s has no API token %d; \"%s token list %s\" shows them", name, id, c.prog, name)
		} else if err != nil {
			return err
		}
		fmt.Fprintf(c.stdout, "Revoked API token %d of %s.\n", id, name)
		return nil
	}
}

func when(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.UTC().Format(time.RFC3339)
}
