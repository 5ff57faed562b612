package panel

import (
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/ftppanel/ftppanel/internal/format"
	"github.com/ftppanel/ftppanel/internal/session"
	"github.com/ftppanel/ftppanel/templates"
)

// sessionRow prepares a session for the table.
func (p *Panel) sessionRow(s session.Snapshot) templates.SessionRow {
	row := templates.SessionRow{
		ID:           s.ID,
		Node:         s.Node,
		Login:        s.Login,
		Customer:     s.Customer,
		Remote:       net.JoinHostPort(s.RemoteIP, strconv.Itoa(s.RemotePort)),
		RemoteIP:     s.RemoteIP,
		Client:       s.Client,
		Encrypted:    s.TLS,
		ConnectedFor: format.Duration(s.ConnectedFor()),
		IdleFor:      format.Duration(s.IdleFor()),
		State:        string(s.State),
		File:         s.File,
		BytesUp:      format.Bytes(s.BytesUp),
		BytesDown:    format.Bytes(s.BytesDown),
	}
	if s.LoggedIn() {
		row.LoggedInAt = instant(s.LoggedInAt)
	}
	if s.RateLimit > 0 {
		row.Limit = "limited to " + format.Limit(s.RateLimit)
	}
	if s.AccountDownLimit > 0 || s.AccountUpLimit > 0 {
		row.AccountLimit = "account: " + format.Limits(s.AccountDownLimit, s.AccountUpLimit)
	}
	row.Percent = -1
	if s.File != "" && s.State != session.StateListing {
		row.Progress = progress(s)
		row.Percent = percent(s)
	}
	idle := s.IdleFor()
	transferring := s.State == session.StateUploading || s.State == session.StateDownloading
	if p.idleWarning > 0 && idle >= p.idleWarning {
		row.LongIdle = true
		row.IdleNote = "long idle"
	}
	// The server drops idle sessions, by the account's timeout when it has one,
	// but never one with a transfer open.
	limit := p.idleTimeout
	if s.IdleTimeout > 0 {
		limit = s.IdleTimeout
	}
	if limit > 0 && s.LoggedIn() && !transferring && idle >= limit/2 {
		row.IdleNote = strings.TrimPrefix(row.IdleNote+", ", ", ") + "dropped in " + format.Duration(max(0, limit-idle))
	}
	return row
}

// progress describes a transfer: bytes so far (of the size, when known), time
// left, the rate over the last seconds, and the average since it began.
func progress(s session.Snapshot) string {
	text := format.Bytes(s.TransferBytes)
	if s.Size > 0 {
		text += " of " + format.Bytes(s.Size) + fmt.Sprintf(" (%d%%)", percent(s))
	}
	if s.Size > 0 && s.Rate > 0 && s.TransferBytes < s.Size {
		left := time.Duration(float64(s.Size-s.TransferBytes) / s.Rate * float64(time.Second))
		text += ", " + format.Duration(left) + " left"
	}
	text += " at " + format.Rate(s.Rate)
	if !s.TransferStarted.IsZero() {
		text += "; average " + format.Rate(s.TransferRate) + " over " + format.Duration(s.Now.Sub(s.TransferStarted))
	}
	return text
}

// percent is how much of the file has moved, or -1 when its size is unknown.
func percent(s session.Snapshot) int {
	if s.Size <= 0 {
		return -1
	}
	return int(min(100, s.TransferBytes*100/s.Size))
}

// displayLogin names a session for messages.
func displayLogin(s session.Snapshot) string {
	if s.Login == "" {
		return "a connection that had not logged in"
	}
	return s.Login
}

// activity says what a session was doing, for the audit log.
func activity(s session.Snapshot) string {
	if s.File == "" {
		return string(s.State)
	}
	return fmt.Sprintf("%s %s (%s moved)", s.State, s.File, format.Bytes(s.TransferBytes))
}

func instant(t time.Time) templates.Time {
	u := t.UTC()
	return templates.Time{Text: u.Format("2006-01-02 15:04:05 UTC"), ISO: u.Format(time.RFC3339), Present: true}
}
