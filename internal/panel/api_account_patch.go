package panel

import (
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

// apiPatchAccount changes an FTP account's limits: any of {"download_limit": N,
// "upload_limit": N} in bytes per second (0 lifts one; a field left out keeps
// its value), which the account's running sessions take within a second, and
// {"idle_timeout": SECONDS} (0: the server's). Only an administrator's token
// may: the limits are the host's, not its customer's. The fields given are
// written at once; it answers with the account as it is then, and audits what
// was applied. 400 for a body it cannot read or unknown fields, 413 for one
// over 64 KiB, 422 naming the field for a value out of range, 404 for an
// unknown account.
func (p *Panel) apiPatchAccount(w http.ResponseWriter, r *http.Request) {
	if _, ok := p.apiQuery(w, r); !ok {
		return
	}
	if !p.adminToken(w, r, "change an account's limits") {
		return
	}
	var body struct {
		DownloadLimit *int64 `json:"download_limit"`
		UploadLimit   *int64 `json:"upload_limit"`
		IdleTimeout   *int64 `json:"idle_timeout"`
	}
	if !p.readBody(w, r, &body) {
		return
	}
	if body.DownloadLimit == nil && body.UploadLimit == nil && body.IdleTimeout == nil {
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
	a, err := p.store.FTPAccountIn(r.Context(), accountScope(currentUser(r)), login)
	if errors.Is(err, store.ErrNotFound) {
		p.apiAccountNotFound(w, r)
		return
	}
	if err != nil {
		p.apiServerError(w, r, err)
		return
	}
	change := store.LimitsChange{Download: body.DownloadLimit, Upload: body.UploadLimit}
	if body.IdleTimeout != nil {
		d := time.Duration(*body.IdleTimeout) * time.Second
		change.IdleTimeout = &d
	}
	now, err := p.store.ChangeFTPLimits(r.Context(), a.Login, change)
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
		changes = append(changes, "limits: "+format.Limits(now.Download, now.Upload))
	}
	if body.IdleTimeout != nil {
		changes = append(changes, "idle timeout: "+p.idleTimeoutText(inLanguage(r, i18n.Default), now.IdleTimeout)) // the audit log is in English
	}
	p.auditAccount(r, "change account", a, strings.Join(changes, "; "))
	p.writeAccount(w, r, http.StatusOK, a.Login, "")
}
