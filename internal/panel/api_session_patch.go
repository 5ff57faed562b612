package panel

import (
	"encoding/json"
	"errors"
	"github.com/ftppanel/ftppanel/internal/i18n"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/ftppanel/ftppanel/internal/format"
	"github.com/ftppanel/ftppanel/internal/session"
)

// apiPatchSession changes a session: {"rate_limit": BYTES_PER_SECOND} limits
// its transfers, the running one within a second (0 lifts the limit). It
// answers with the session as it is then, and audits the change; 404 when the
// session is unknown, ended or out of the token's scope.
func (p *Panel) apiPatchSession(w http.ResponseWriter, r *http.Request) {
	if _, ok := p.apiQuery(w, r); !ok {
		return
	}
	var body struct {
		RateLimit *int64 `json:"rate_limit"`
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil || dec.More() || body.RateLimit == nil {
		p.apiError(w, r, http.StatusBadRequest, `the body must be {"rate_limit": BYTES_PER_SECOND}, 0 to lift the limit`)
		return
	}
	if *body.RateLimit < 0 || *body.RateLimit > format.MaxLimit {
		p.apiError(w, r, http.StatusBadRequest, "rate_limit must be between 0 (no limit) and 107374182400 (100 GiB/s)")
		return
	}
	id := chi.URLParam(r, "id")
	if !session.ValidID(id) {
		p.apiSessionNotFound(w, r)
		return
	}
	u := currentUser(r)
	snap, err := p.sessions.Throttle(id, scope(u), u.Name, *body.RateLimit)
	if nerr := (*session.NodeError)(nil); errors.As(err, &nerr) {
		p.apiNodeDown(w, r, nerr)
		return
	}
	if hl := (*session.HostLimitError)(nil); errors.As(err, &hl) {
		p.apiError(w, r, http.StatusForbidden, hostLimitText(i18n.For(i18n.Default), hl)) // the API speaks English
		return
	}
	if err != nil {
		p.apiSessionNotFound(w, r)
		return
	}
	p.audit(r, "throttle", snap, throttleDetail(snap, *body.RateLimit)+" (through the API)")
	p.writeJSON(w, r, http.StatusOK, toAPISession(snap))
}
