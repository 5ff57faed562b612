// Package apiclient calls the JSON API of a running ftppanel (/api/v1, with an
// API token): the live FTP sessions and their disconnect, and the fleet's nodes. The CLI and the
// benchmark use it, so that they read the API one way.
package apiclient

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/ftppanel/ftppanel/internal/session"
)

// maxResponse bounds what a call reads from the server: 10,000 sessions fit.
const maxResponse = 64 << 20

// Session is a live FTP session as the API shows it (internal/panel's
// apiSession, whose field names are a contract).
type Session struct {
	ID            string     `json:"id"`
	Login         string     `json:"login"`    // "" before login
	Customer      string     `json:"customer"` // "" before login
	RemoteIP      string     `json:"remote_ip"`
	RemotePort    int        `json:"remote_port"`
	Client        string     `json:"client"`
	TLS           bool       `json:"tls"`
	ConnectedAt   time.Time  `json:"connected_at"`
	LoggedInAt    *time.Time `json:"logged_in_at"` // nil before login
	LastActivity  time.Time  `json:"last_activity"`
	IdleSeconds   int64      `json:"idle_seconds"`
	State         string     `json:"state"`
	File          string     `json:"file"`
	Size          *int64     `json:"size"` // nil when unknown
	TransferBytes int64      `json:"transfer_bytes"`
	Rate          float64    `json:"rate"` // bytes per second over the last few seconds
	BytesUp       int64      `json:"bytes_up"`
	BytesDown     int64      `json:"bytes_down"`
	Node          string     `json:"node"`       // the node whose FTP server holds it
	RateLimit     int64      `json:"rate_limit"` // bytes per second; 0 for none
	// The limits of the session's FTP account, bytes per second; 0 for none.
	AccountDownloadLimit int64 `json:"account_download_limit"`
	AccountUploadLimit   int64 `json:"account_upload_limit"`
}

// Node is a node of the fleet as the API shows it (internal/panel's apiNode).
type Node struct {
	Name      string     `json:"name"`
	Version   string     `json:"version"`
	UpSince   *time.Time `json:"up_since"`   // nil when not known
	LastHeard *time.Time `json:"last_heard"` // nil when never heard
	Sessions  int        `json:"sessions"`
	Transfers int        `json:"transfers"`
	Rate      float64    `json:"rate"` // bytes per second, all its sessions together
	Up        bool       `json:"up"`
	Self      bool       `json:"self"` // the node that answered
}

// Filter narrows a list of sessions; an empty field keeps every session.
type Filter struct {
	Login string // the login contains it
	Node  string // held by exactly this node
}

func (f Filter) query() url.Values {
	query := url.Values{}
	if f.Login != "" {
		query.Set("login", f.Login)
	}
	if f.Node != "" {
		query.Set("node", f.Node)
	}
	return query
}

// Client calls the API of one server as one token's owner.
type Client struct {
	base  *url.URL
	token string
	http  *http.Client
}

// ErrBadURL is a panel URL that is not http or https with a host, or that has a
// query or fragment.
var ErrBadURL = errors.New("not the panel's address: want http:// or https://, a host and, if any, the base path")

// New returns a client of the panel at panelURL (with its base path, if any)
// that sends token. Close it after use.
func New(panelURL, token string) (*Client, error) {
	base, err := url.Parse(panelURL)
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" || base.RawQuery != "" || base.Fragment != "" {
		return nil, ErrBadURL
	}
	base.Path = strings.TrimSuffix(base.Path, "/")
	base.RawPath = ""
	return &Client{base: base, token: token, http: &http.Client{
		Transport: http.DefaultTransport.(*http.Transport).Clone(), // so Close closes only its own
		Timeout:   time.Minute,
		// A redirect would be a wrong URL; following it could send the token elsewhere.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}, nil
}

// Close closes the connections the client keeps.
func (c *Client) Close() { c.http.CloseIdleConnections() }

// URL is the panel's address the client calls.
func (c *Client) URL() string { return c.base.String() }

// UnreachableError is a call that got no answer.
type UnreachableError struct {
	URL string // the panel's address
	Err error
}

func (e *UnreachableError) Error() string {
	return fmt.Sprintf("cannot reach the server at %s: %v", e.URL, e.Err)
}

func (e *UnreachableError) Unwrap() error { return e.Err }

// Error is an answer other than 2xx.
type Error struct {
	URL    string // the panel's address
	Status int    // the HTTP status code
	// Message is the API's own message, safe to print; "" when the answer
	// was not the API's (a wrong URL).
	Message    string
	StatusLine string // "404 Not Found"
}

func (e *Error) Error() string {
	if e.Message == "" {
		return fmt.Sprintf("%s answered %q, not as the ftppanel API does", e.URL, e.StatusLine)
	}
	return fmt.Sprintf("the server refused: %s (HTTP %d)", e.Message, e.Status)
}

// SessionsJSON is the API's JSON list of the live sessions the token may see,
// as sent; login, when not "", keeps the sessions whose login contains it.
func (c *Client) SessionsJSON(ctx context.Context, login string) ([]byte, error) {
	return c.FilteredSessionsJSON(ctx, Filter{Login: login})
}

// FilteredSessionsJSON is the API's JSON list of the live sessions the token
// may see that pass the filter, as sent.
func (c *Client) FilteredSessionsJSON(ctx context.Context, f Filter) ([]byte, error) {
	return c.call(ctx, http.MethodGet, f.query(), "sessions")
}

// Sessions lists the live sessions the token may see; login, when not "",
// keeps the sessions whose login contains it.
func (c *Client) Sessions(ctx context.Context, login string) ([]Session, error) {
	return c.FilteredSessions(ctx, Filter{Login: login})
}

// FilteredSessions lists the live sessions the token may see that pass the filter.
func (c *Client) FilteredSessions(ctx context.Context, f Filter) ([]Session, error) {
	body, err := c.FilteredSessionsJSON(ctx, f)
	if err != nil {
		return nil, err
	}
	var list struct {
		Sessions []Session `json:"sessions"`
	}
	if err := json.Unmarshal(body, &list); err != nil {
		return nil, fmt.Errorf("the server's session list is not what this version expects: %w", err)
	}
	return list.Sessions, nil
}

// NodesJSON is the API's JSON list of the fleet's nodes, as sent. Only an
// administrator's token may list them.
func (c *Client) NodesJSON(ctx context.Context) ([]byte, error) {
	return c.call(ctx, http.MethodGet, nil, "nodes")
}

// Nodes lists the fleet's nodes by name (a server that is not one of a fleet
// lists itself). Only an administrator's token may list them.
func (c *Client) Nodes(ctx context.Context) ([]Node, error) {
	body, err := c.NodesJSON(ctx)
	if err != nil {
		return nil, err
	}
	var list struct {
		Nodes []Node `json:"nodes"`
	}
	if err := json.Unmarshal(body, &list); err != nil {
		return nil, fmt.Errorf("the server's list of nodes is not what this version expects: %w", err)
	}
	return list.Nodes, nil
}

// Session is one live session.
func (c *Client) Session(ctx context.Context, id string) (Session, error) {
	body, err := c.call(ctx, http.MethodGet, nil, "sessions", id)
	if err != nil {
		return Session{}, err
	}
	var s Session
	if err := json.Unmarshal(body, &s); err != nil {
		return Session{}, fmt.Errorf("the server's session is not what this version expects: %w", err)
	}
	return s, nil
}

// Disconnect closes one session, telling its client reason unless it is "";
// the server has closed it when this returns.
func (c *Client) Disconnect(ctx context.Context, id, reason string) error {
	_, err := c.call(ctx, http.MethodDelete, withReason(nil, reason), "sessions", id)
	return err
}

// Throttle limits one session's transfers to bps bytes per second (0 lifts
// the limit) and returns the session as it is then.
func (c *Client) Throttle(ctx context.Context, id string, bps int64) (Session, error) {
	body, err := json.Marshal(struct {
		RateLimit int64 `json:"rate_limit"`
	}{bps})
	if err != nil {
		return Session{}, err
	}
	body, err = c.send(ctx, http.MethodPatch, nil, body, "sessions", id)
	if err != nil {
		return Session{}, err
	}
	var s Session
	if err := json.Unmarshal(body, &s); err != nil {
		return Session{}, fmt.Errorf("the server's session is not what this version expects: %w", err)
	}
	return s, nil
}

// DisconnectLogin closes every session whose login is exactly login and says
// how many it closed.
func (c *Client) DisconnectLogin(ctx context.Context, login, reason string) (int, error) {
	return c.disconnectMatching(ctx, withReason(url.Values{"login": {login}}, reason))
}

// DisconnectAddress closes every session from an address or a CIDR range
// (203.0.113.0/24) and says how many it closed.
func (c *Client) DisconnectAddress(ctx context.Context, ip, reason string) (int, error) {
	return c.disconnectMatching(ctx, withReason(url.Values{"ip": {ip}}, reason))
}

func withReason(q url.Values, reason string) url.Values {
	if reason != "" {
		if q == nil {
			q = url.Values{}
		}
		q.Set("reason", reason)
	}
	return q
}

func (c *Client) disconnectMatching(ctx context.Context, q url.Values) (int, error) {
	body, err := c.call(ctx, http.MethodDelete, q, "sessions")
	if err != nil {
		return 0, err
	}
	var res struct {
		Disconnected *int `json:"disconnected"`
	}
	if err := json.Unmarshal(body, &res); err != nil || res.Disconnected == nil {
		return 0, fmt.Errorf("the server's answer is not what this version expects: %s", session.Visible(string(body), 200))
	}
	return *res.Disconnected, nil
}

// call sends a request to /api/v1/PATH... and returns the body of a 2xx answer.
// Any other answer is an *Error carrying the API's own message.
func (c *Client) call(ctx context.Context, method string, query url.Values, path ...string) ([]byte, error) {
	return c.send(ctx, method, query, nil, path...)
}

// send is call with a JSON body, when body is not nil.
func (c *Client) send(ctx context.Context, method string, query url.Values, body []byte, path ...string) ([]byte, error) {
	elems := []string{"api", "v1"}
	for _, p := range path {
		elems = append(elems, url.PathEscape(p))
	}
	u := c.base.JoinPath(elems...)
	u.RawQuery = query.Encode()
	var reqBody io.Reader
	if body != nil {
		reqBody = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), reqBody)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Accept", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, &UnreachableError{URL: c.URL(), Err: err}
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return nil, fmt.Errorf("read the answer of %s: %w", c.URL(), err)
	}
	if resp.StatusCode/100 == 2 {
		return answer, nil
	}
	var apiErr struct {
		Error string `json:"error"`
	}
	e := &Error{URL: c.URL(), Status: resp.StatusCode, StatusLine: resp.Status}
	if json.Unmarshal(answer, &apiErr) == nil && apiErr.Error != "" {
		e.Message = session.Visible(apiErr.Error, 1000)
	}
	return nil, e
}

// Maintenance is a node's maintenance state as the API shows it.
type Maintenance struct {
	On       bool       `json:"on"`
	Node     string     `json:"node"`
	Message  string     `json:"message"`
	By       string     `json:"by"`
	Since    *time.Time `json:"since"`
	Deadline *time.Time `json:"deadline"`
}

// Maintenance tells whether the node answering is in maintenance.
func (c *Client) Maintenance(ctx context.Context) (Maintenance, error) {
	return c.maintenance(c.call(ctx, http.MethodGet, nil, "maintenance"))
}

// StartMaintenance switches the node answering to maintenance: new FTP logins
// are told "421 message"; after disconnectAfter ("" for never, or "10m") the
// sessions left are disconnected.
func (c *Client) StartMaintenance(ctx context.Context, message, disconnectAfter string) (Maintenance, error) {
	body, err := json.Marshal(struct {
		On              bool   `json:"on"`
		Message         string `json:"message"`
		DisconnectAfter string `json:"disconnect_after,omitempty"`
	}{true, message, disconnectAfter})
	if err != nil {
		return Maintenance{}, err
	}
	return c.maintenance(c.send(ctx, http.MethodPost, nil, body, "maintenance"))
}

// StopMaintenance ends the node's maintenance.
func (c *Client) StopMaintenance(ctx context.Context) (Maintenance, error) {
	return c.maintenance(c.call(ctx, http.MethodDelete, nil, "maintenance"))
}

func (c *Client) maintenance(body []byte, err error) (Maintenance, error) {
	if err != nil {
		return Maintenance{}, err
	}
	var m Maintenance
	if err := json.Unmarshal(body, &m); err != nil {
		return Maintenance{}, fmt.Errorf("the server's maintenance state is not what this version expects: %w", err)
	}
	return m, nil
}
