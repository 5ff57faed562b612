package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// tokenEnv names the variable that holds the API token of "sessions" and
// "disconnect", so that it never appears in a process list.
const tokenEnv = "FTPPANEL_TOKEN"

// defaultPanelURL is where "serve" puts the panel unless told otherwise.
const defaultPanelURL = "http://127.0.0.1:8080"

// maxAPIResponse bounds what the CLI reads from the server: 10,000 sessions fit.
const maxAPIResponse = 64 << 20

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

// apiClient calls the JSON API of a running server.
type apiClient struct {
	base  *url.URL
	token string
	http  *http.Client
}

// newAPIClient checks the URL and the token; close it after use.
func (c *cli) newAPIClient(panelURL string) (*apiClient, error) {
	token := strings.TrimSpace(c.getenv(tokenEnv))
	if token == "" {
		return nil, fmt.Errorf("$%s is not set: make a token with \"%s token add NAME\" and export %s=TOKEN", tokenEnv, c.prog, tokenEnv)
	}
	base, err := url.Parse(panelURL)
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" || base.RawQuery != "" || base.Fragment != "" {
		return nil, fmt.Errorf("--url %q: want the panel's address, such as %s", panelURL, defaultPanelURL)
	}
	base.Path = strings.TrimSuffix(base.Path, "/")
	base.RawPath = ""
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.DisableKeepAlives = true // one call or two: nothing to keep
	return &apiClient{base: base, token: token, http: &http.Client{
		Transport: transport,
		Timeout:   time.Minute,
		// A redirect would be a wrong URL; following it could send the token elsewhere.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}, nil
}

func (a *apiClient) close() { a.http.CloseIdleConnections() }

// call sends a request to the API and returns the body of a 2xx answer. Any
// other answer is an error carrying the API's own message.
func (a *apiClient) call(ctx context.Context, method, path string, query url.Values) ([]byte, error) {
	u := *a.base
	u.Path += path
	u.RawQuery = query.Encode()
	req, err := http.NewRequestWithContext(ctx, method, u.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+a.token)
	req.Header.Set("Accept", "application/json")
	resp, err := a.http.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("cannot reach the server at %s (is \"ftppanel serve\" running there? see --url): %w", a.base, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxAPIResponse))
	if err != nil {
		return nil, fmt.Errorf("read the answer of %s: %w", a.base, err)
	}
	if resp.StatusCode/100 == 2 {
		return body, nil
	}
	var apiErr struct {
		Error string `json:"error"`
	}
	if json.Unmarshal(body, &apiErr) != nil || apiErr.Error == "" {
		return nil, fmt.Errorf("%s answered %q, not as the ftppanel API does: is --url right?", a.base, resp.Status)
	}
	return nil, fmt.Errorf("the server refused: %s (HTTP %d)", printable(apiErr.Error), resp.StatusCode)
}

// apiSession holds the fields of the API's session object that the CLI shows.
type apiSession struct {
	ID          string  `json:"id"`
	Login       string  `json:"login"`
	Customer    string  `json:"customer"`
	RemoteIP    string  `json:"remote_ip"`
	State       string  `json:"state"`
	File        string  `json:"file"`
	Rate        float64 `json:"rate"`
	IdleSeconds int64   `json:"idle_seconds"`
}

// printable makes text from the server safe to print on a terminal: a file name
// an FTP client chose must not carry escape sequences to the operator's screen.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if !unicode.IsPrint(r) || r == utf8.RuneError {
			return '?'
		}
		return r
	}, s)
}
