package panel

import (
	stdbytes "bytes"
	"net/http"
	"time"

	"github.com/ftppanel/ftppanel/templates"
)

// Live updates: at most one push per liveMinGap, and one every liveTick anyway so
// idle times and rates move.
const (
	liveMinGap = 250 * time.Millisecond
	liveTick   = time.Second
)

// streamSessions pushes the live part of the list (totals, chart, table, pager)
// as Server-Sent Events whenever it changes, for the view the query describes.
func (p *Panel) streamSessions(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	q := parseSessionsQuery(r, u, p.fleet != nil)
	rc := http.NewResponseController(w)
	// The stream outlives the server's read timeout, which is for requests.
	if err := rc.SetReadDeadline(time.Time{}); err != nil {
		p.serverError(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("X-Accel-Buffering", "no") // tell nginx not to hold events back
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return // a check that the stream is there; it carries no body to wait for
	}

	changed, stop := p.sessions.Watch()
	defer stop()
	tick := time.NewTicker(liveTick)
	defer tick.Stop()

	var last []byte
	var buf stdbytes.Buffer
	push := func() bool {
		buf.Reset()
		if err := templates.SessionsLiveView(p.liveView(loc(r), u, q)).Render(r.Context(), &buf); err != nil {
			return false
		}
		if stdbytes.Equal(buf.Bytes(), last) {
			return true
		}
		last = append(last[:0], buf.Bytes()...)
		if err := writeEvent(w, "sessions", buf.Bytes()); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	if !push() {
		return
	}
	for {
		select {
		case <-r.Context().Done():
			return
		case <-tick.C:
		case <-changed:
			// Let a burst of changes settle into one push.
			select {
			case <-r.Context().Done():
				return
			case <-time.After(liveMinGap):
			}
		}
		if !push() {
			return
		}
	}
}

// writeEvent writes one Server-Sent Event. A stream ends a line at CR, LF or CRLF,
// so each line of data, split at any of them, gets its own field: nothing in data
// can end a field early or start one of its own.
func writeEvent(w http.ResponseWriter, name string, data []byte) error {
	var b stdbytes.Buffer
	b.WriteString("event: " + name + "\n")
	for {
		end := stdbytes.IndexAny(data, "\r\n")
		b.WriteString("data: ")
		if end < 0 {
			b.Write(data)
			b.WriteString("\n")
			break
		}
		b.Write(data[:end])
		b.WriteString("\n")
		if data[end] == '\r' && end+1 < len(data) && data[end+1] == '\n' {
			end++
		}
		data = data[end+1:]
	}
	b.WriteString("\n")
	_, err := w.Write(b.Bytes())
	return err
}
