package panel

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/ftppanel/ftppanel/internal/session"
)

// apiSession is a session as the JSON API shows it. The field names are a
// contract with scripts: add fields, never rename or remove one.
type apiSession struct {
	ID            string     `json:"id"`
	Login         string     `json:"login"`    // "" before login
	Customer      string     `json:"customer"` // "" before login
	RemoteIP      string     `json:"remote_ip"`
	RemotePort    int        `json:"remote_port"`
	Client        string     `json:"client"`
	TLS           bool       `json:"tls"`
	ConnectedAt   time.Time  `json:"connected_at"`
	LoggedInAt    *time.Time `json:"logged_in_at"` // null before login
	LastActivity  time.Time  `json:"last_activity"`
	IdleSeconds   int64      `json:"idle_seconds"`
	State         string     `json:"state"`
	File          string     `json:"file"`
	Size          *int64     `json:"size"` // null when unknown
	TransferBytes int64      `json:"transfer_bytes"`
	Rate          float64    `json:"rate"` // bytes per second over the last few seconds
	BytesUp       int64      `json:"bytes_up"`
	BytesDown     int64      `json:"bytes_down"`
}

func toAPISession(s session.Snapshot) apiSession {
	out := apiSession{
		ID:            s.ID,
		Login:         s.Login,
		Customer:      s.Customer,
		RemoteIP:      s.RemoteIP,
		RemotePort:    s.RemotePort,
		Client:        s.Client,
		TLS:           s.TLS,
		ConnectedAt:   s.ConnectedAt.UTC(),
		LastActivity:  s.LastActivity.UTC(),
		IdleSeconds:   int64(s.IdleFor() / time.Second),
		State:         string(s.State),
		File:          s.File,
		TransferBytes: s.TransferBytes,
		Rate:          s.Rate,
		BytesUp:       s.BytesUp,
		BytesDown:     s.BytesDown,
	}
	if s.LoggedIn() {
		at := s.LoggedInAt.UTC()
		out.LoggedInAt = &at
	}
	if s.Size >= 0 {
		size := s.Size
		out.Size = &size
	}
	return out
}

// apiQuery returns the query parameters after checking that each is one of known
// and given once, so that a typo cannot widen a filter to everything.
func (p *Panel) apiQuery(w http.ResponseWriter, r *http.Request, known ...string) (url.Values, bool) {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		p.apiError(w, r, http.StatusBadRequest, "malformed query string")
		return nil, false
	}
	for name, values := range q {
		if !slices.Contains(known, name) {
			p.apiError(w, r, http.StatusBadRequest, fmt.Sprintf("unknown query parameter %q", name))
			return nil, false
		}
		if len(values) > 1 {
			p.apiError(w, r, http.StatusBadRequest, fmt.Sprintf("query parameter %q is given more than once", name))
			return nil, false
		}
	}
	return q, true
}

// auditAPIDisconnect audits a disconnect made through the API, as the panel does
// for its own.
func (p *Panel) auditAPIDisconnect(r *http.Request, snap session.Snapshot) {
	p.audit(r, "disconnect", snap, activity(snap)+" (through the API)")
}
