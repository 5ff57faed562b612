package main

import (
	"errors"
	"flag"
	"fmt"
	"strings"

	"github.com/ftppanel/ftppanel/internal/apiclient"
)

// tokenEnv names the variable that holds the API token of "sessions" and
// "disconnect", so that it never appears in a process list.
const tokenEnv = "FTPPANEL_TOKEN"

// defaultPanelURL is where "serve" puts the panel unless told otherwise.
const defaultPanelURL = "http://" + defaultHTTPAddr

// apiFlags starts a flag set for a command that talks to the running server
// through its API; it has --url instead of --data.
func (c *cli) apiFlags(name, usage string) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	panelURL := fs.String("url", defaultPanelURL, "the running server's panel `URL`")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: %s %s\n\nThe API token is read from $%s (make one with: %s token add NAME).\n\nOptions:\n",
			c.prog, usage, tokenEnv, c.prog)
		fs.PrintDefaults()
	}
	return fs, panelURL
}

// newAPIClient checks the URL and the token; close it after use.
func (c *cli) newAPIClient(panelURL string) (*apiclient.Client, error) {
	token := strings.TrimSpace(c.getenv(tokenEnv))
	if token == "" {
		return nil, fmt.Errorf("$%s is not set: make a token with \"%s token add NAME\" and export %s=TOKEN", tokenEnv, c.prog, tokenEnv)
	}
	api, err := apiclient.New(panelURL, token)
	if err != nil {
		return nil, fmt.Errorf("--url %q: want the panel's address, such as %s", panelURL, defaultPanelURL)
	}
	return api, nil
}

// apiError says what to check when the server could not be reached, or did
// not answer as the API does.
func apiError(err error) error {
	var unreachable *apiclient.UnreachableError
	var answer *apiclient.Error
	switch {
	case errors.As(err, &unreachable):
		return fmt.Errorf("cannot reach the server at %s (is \"ftppanel serve\" running there? see --url): %w", unreachable.URL, unreachable.Err)
	case errors.As(err, &answer) && answer.Message == "":
		return fmt.Errorf("%w: is --url right?", err)
	}
	return err
}
