package panel

import (
	"encoding/json"
	"errors"
	"fmt"
	"github.com/ftppanel/ftppanel/internal/i18n"
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/ftppanel/ftppanel/internal/format"
	"github.com/ftppanel/ftppanel/internal/store"
)

// maxAPIIdleTimeout bounds an account's own idle timeout, as the command line does.
const maxAPIIdleTimeout = 24 * time.Hour

// apiPatchAccount changes an FTP account: any of {"download_limit": N,
// "upload_limit": N} in bytes per second (0 lifts one; a field left out keeps
// its value), which the account's running sessions take within a second, and
// {"idle_timeout": SECONDS} (0: the server's). It answers with the account as
// it is then, and audits the change. 400 for a body it cannot read or unknown
// fields, 422 naming the field for a value out of range, 404 for an account
// unknown or out of the token's scope.
func (p *Panel) apiPatchAccount(w http.ResponseWriter, r *http.Request) {
	if _, ok := p.apiQuery(w, r); !ok {
		return
	}
	var body struct {
		DownloadLimit *int64 `json:"download_limit"`
		UploadLimit   *int64 `json:"upload_limit"`
		IdleTimeout   *int64 `json:"idle_timeout"`
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil || dec.More() ||
		(body.DownloadLimit == nil && body.UploadLimit == nil && body.IdleTimeout == nil) {
		p.apiError(w, r, http.StatusBadRequest,
			`the body must be an object with any of "download_limit", "upload_limit" (bytes per second, 0 for none) and "idle_timeout" (seconds, 0 for the server's)`)
		return
	}
	for _, f := range []struct {
		name     string
		v        *int64
		max      int64
		maxWords string
	}{
		{"download_limit", body.DownloadLimit, format.MaxLimit, "107374182400 (100 GiB/s)"},
		{"upload_limit", body.UploadLimit, format.MaxLimit, "107374182400 (100 GiB/s)"},
		{"idle_timeout", body.IdleTimeout, int64(maxAPIIdleTimeout / time.Second), "86400 (24 hours)"},
	} {
		if f.v != nil && (*f.v < 0 || *f.v > f.max) {
			p.apiFieldError(w, r, f.name, fmt.Sprintf("%s must be between 0 and %s", f.name, f.maxWords))
			return
		}
	}
	login := chi.URLParam(r, "login")
	if store.ValidateName("FTP login", login) != nil {
		p.apiAccountNotFound(w, r)
		return
	}
	u := currentUser(r)
	a, err := p.store.FTPAccountIn(r.Context(), accountScope(u), login)
	if errors.Is(err, store.ErrNotFound) {
		p.apiAccountNotFound(w, r)
		return
	}
	if err != nil {
		p.apiServerError(w, r, err)
		return
	}
	var changes []string
	if body.DownloadLimit != nil || body.UploadLimit != nil {
		down, up := a.DownloadLimit, a.UploadLimit
		if body.DownloadLimit != nil {
			down = *body.DownloadLimit
		}
		if body.UploadLimit != nil {
			up = *body.UploadLimit
		}
		err = p.store.SetFTPRateLimits(r.Context(), a.Login, down, up)
		changes = append(changes, "limits: "+format.Limits(down, up))
	}
	if err == nil && body.IdleTimeout != nil {
		d := time.Duration(*body.IdleTimeout) * time.Second
		err = p.store.SetFTPIdleTimeout(r.Context(), a.Login, d)
		changes = append(changes, "idle timeout: "+p.idleTimeoutText(inLanguage(r, i18n.Default), d)) // the audit log is in English
	}
	if errors.Is(err, store.ErrNotFound) {
		p.apiAccountNotFound(w, r)
		return
	}
	if err != nil {
		p.apiServerError(w, r, err)
		return
	}
	p.auditAccount(r, "change account", a, strings.Join(changes, "; ")+" (through the API)")
	p.writeAccount(w, r, http.StatusOK, a.Login, "")
}
