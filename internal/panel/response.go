package panel

import (
	stdbytes "bytes"
	"errors"
	"log/slog"
	"net/http"

	"github.com/a-h/templ"

	"github.com/ftppanel/ftppanel/internal/session"
	"github.com/ftppanel/ftppanel/templates"
)

// render writes a page with a status.
func (p *Panel) render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) {
	var page stdbytes.Buffer
	err := c.Render(r.Context(), &page)
	if err != nil {
		p.log.Error("render page", slog.String("path", r.URL.Path), slog.Any("error", err))
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(page.Bytes())
}

// seeOther sends the browser on to the panel's path, under the base path.
func seeOther(w http.ResponseWriter, r *http.Request, path string) {
	http.Redirect(w, r, templates.Path(r.Context(), path), http.StatusSeeOther)
}

// page is the frame of a page for the signed-in user, if any.
func page(r *http.Request, title string) templates.Page {
	u := currentUser(r)
	pg := templates.Page{Title: title, User: u.Name, Role: string(u.Role), Nav: navFor(r.URL.Path), Here: here(r)}
	if u.Name != "" {
		pg.Maintenance = maintenanceOf(r)
		pg.Certificate = certificateWarningOf(r)
	}
	if f, ok := fleetFrameOf(r); ok && u.Name != "" {
		pg.Fleet, pg.Unreachable = true, f.unreachable
	}
	return pg
}

// here is the page's path, where the language switch comes back to (with the
// query, which it takes from the Referer); none for a form's answer, which a
// GET could not repeat.
func here(r *http.Request) string {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return ""
	}
	return r.URL.Path
}

// navFor is the header link that leads to path, if one does: the header marks it
// as the current page.
func navFor(path string) string {
	for _, l := range templates.NavLinks {
		if l.Path == path {
			return l.Path
		}
	}
	return ""
}

// showError is the one place that answers with an error page: a plain, escaped
// message, never internals.
func (p *Panel) showError(w http.ResponseWriter, r *http.Request, status int, heading, message string) {
	p.render(w, r, status, templates.ErrorView(templates.ErrorPage{
		Page: page(r, heading), Heading: heading, Message: message,
	}))
}

// serverError logs err and tells the user, without details, that something failed.
func (p *Panel) serverError(w http.ResponseWriter, r *http.Request, err error) {
	p.log.Error("panel request failed", slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Any("error", err))
	p.showError(w, r, http.StatusInternalServerError, tr(r, "SomethingWentWrong"), tr(r, "SomethingWentWrongText"))
}

func (p *Panel) notFound(w http.ResponseWriter, r *http.Request) {
	p.showError(w, r, http.StatusNotFound, tr(r, "PageNotFound"), tr(r, "PageNotFoundText"))
}

func (p *Panel) methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	p.showError(w, r, http.StatusMethodNotAllowed, tr(r, "MethodNotAllowed"), tr(r, "MethodNotAllowedText", "Method", r.Method))
}

func (p *Panel) crossOrigin(w http.ResponseWriter, r *http.Request) {
	p.showError(w, r, http.StatusForbidden, tr(r, "RequestRefused"), tr(r, "CrossOriginText"))
}

// sessionMissing answers for a session that Sessions could not find: 503 when
// err says a node did not answer, else the session has ended.
func (p *Panel) sessionMissing(w http.ResponseWriter, r *http.Request, err error) {
	if nerr := (*session.NodeError)(nil); errors.As(err, &nerr) {
		p.nodeDown(w, r, nerr)
		return
	}
	p.sessionEnded(w, r)
}

func (p *Panel) sessionEnded(w http.ResponseWriter, r *http.Request) {
	p.showError(w, r, http.StatusNotFound, tr(r, "SessionNotFound"), tr(r, "SessionNotFoundText"))
}

// nodeDown answers that the node holding a session did not answer, so nothing
// can be reported as done; err is a *session.NodeError.
func (p *Panel) nodeDown(w http.ResponseWriter, r *http.Request, err error) {
	p.showError(w, r, http.StatusServiceUnavailable, tr(r, "NodeDidNotAnswer"), tr(r, "NodeDidNotAnswerText", "Node", nodeOf(err)))
}

// nodeOf names the node of a *session.NodeError.
func nodeOf(err error) string {
	if nerr := (*session.NodeError)(nil); errors.As(err, &nerr) {
		return nerr.Node
	}
	return "?"
}
