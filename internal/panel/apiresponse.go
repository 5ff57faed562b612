package panel

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"
)

// apiPrefix starts every path of the JSON API; its errors are JSON, not pages.
const apiPrefix = "/api/"

// writeJSON answers with v as JSON.
func (p *Panel) writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if err := json.NewEncoder(w).Encode(v); err != nil {
		p.log.Debug("write API response", slog.String("path", r.URL.Path), slog.Any("error", err))
	}
}

// apiError is the one place that answers the API with an error: {"error": "..."},
// a plain message, never internals.
func (p *Panel) apiError(w http.ResponseWriter, r *http.Request, status int, message string) {
	p.writeJSON(w, r, status, struct {
		Error string `json:"error"`
	}{message})
}

// apiFieldError answers 422 for a value out of range: {"error": "...",
// "field": "NAME"}, so a client can point at the field.
func (p *Panel) apiFieldError(w http.ResponseWriter, r *http.Request, field, message string) {
	p.writeJSON(w, r, http.StatusUnprocessableEntity, struct {
		Error string `json:"error"`
		Field string `json:"field"`
	}{message, field})
}

// apiServerError logs err and tells the client, without details, that something failed.
func (p *Panel) apiServerError(w http.ResponseWriter, r *http.Request, err error) {
	p.log.Error("API request failed", slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Any("error", err))
	p.apiError(w, r, http.StatusInternalServerError, "internal error; the server log has the details")
}

func (p *Panel) apiNotFound(w http.ResponseWriter, r *http.Request) {
	p.apiError(w, r, http.StatusNotFound, "no such API endpoint")
}

// apiMethods are the methods an Allow header may name.
var apiMethods = []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}

func (p *Panel) apiMethodNotAllowed(w http.ResponseWriter, r *http.Request) {
	var allowed []string
	if rctx := chi.RouteContext(r.Context()); rctx != nil && rctx.Routes != nil {
		for _, m := range apiMethods {
			if rctx.Routes.Match(chi.NewRouteContext(), m, r.URL.EscapedPath()) {
				allowed = append(allowed, m)
				if m == http.MethodGet {
					allowed = append(allowed, http.MethodHead) // GetHead answers HEAD wherever GET works
				}
			}
		}
	}
	w.Header().Set("Allow", strings.Join(allowed, ", "))
	p.apiError(w, r, http.StatusMethodNotAllowed, "method "+r.Method+" is not allowed here")
}

func (p *Panel) apiSessionNotFound(w http.ResponseWriter, r *http.Request) {
	p.apiError(w, r, http.StatusNotFound, "session not found: it has ended, or it does not exist")
}

// refuseCrossOrigin answers a cross-origin browser request that would change
// something: a page for the panel, JSON for the API.
func (p *Panel) refuseCrossOrigin(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, apiPrefix) {
		p.apiError(w, r, http.StatusForbidden, "cross-origin request refused")
		return
	}
	p.crossOrigin(w, r)
}

// apiNodeDown answers 503 for a node that did not answer; err is a
// *session.NodeError, whose text names the node.
func (p *Panel) apiNodeDown(w http.ResponseWriter, r *http.Request, err error) {
	p.apiError(w, r, http.StatusServiceUnavailable, err.Error())
}
