package panel

import (
	"github.com/ftppanel/ftppanel/internal/i18n"
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/ftppanel/ftppanel/internal/session"
	"github.com/ftppanel/ftppanel/internal/store"
	"github.com/ftppanel/ftppanel/templates"
)

// banSession bans a session's address for the chosen time, then disconnects every
// session from it; each is audited.
func (p *Panel) banSession(w http.ResponseWriter, r *http.Request) {
	id := chi.URLParam(r, "id")
	snap, err := p.sessions.Get(id, session.AllSessions())
	if !session.ValidID(id) || err != nil {
		p.sessionMissing(w, r, err)
		return
	}
	until, label, err := banUntil(r.PostFormValue("duration"), p.now())
	if err != nil {
		p.showError(w, r, http.StatusBadRequest, tr(r, "RequestRefused"), errorText(r, err))
		return
	}
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	if len(reason) > 200 {
		reason = reason[:200]
	}
	u := currentUser(r)
	// Banned first, so the disconnected client cannot come straight back.
	ban, err := p.store.AddBan(r.Context(), store.Ban{IP: snap.RemoteIP, Reason: reason, CreatedBy: u.Name, Until: until})
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	banned := "address banned " + banLabel(inLanguage(r, i18n.Default), label) // the audit log is in English
	flash := tr(r, "FlashBanned", "IP", snap.RemoteIP, "For", banLabel(r, label))
	if ban.Until.After(until) { // an address has one ban, which a shorter one does not shorten
		banned = "address already banned for longer"
		flash = tr(r, "FlashStaysBanned", "IP", snap.RemoteIP)
	}
	closed, err := p.sessions.DisconnectMatching(session.AllSessions(), session.Filter{ExactIP: snap.RemoteIP}, u.Name, "")
	for _, s := range closed {
		p.audit(r, "disconnect and ban", s, activity(s)+"; "+banned)
	}
	flash += tr(r, "AndDisconnected", "Sessions", templates.SessionCountText(r.Context(), len(closed)))
	if err != nil {
		flash += tr(r, "FlashBanNodeDown", "Node", nodeOf(err))
	}
	setFlash(w, r, flash)
	seeOther(w, r, "/sessions")
}

// banUntil reads a ban duration from the form's choices.
func banUntil(choice string, now time.Time) (time.Time, string, error) {
	for _, d := range templates.BanDurations {
		if d.Value != choice {
			continue
		}
		if choice == "permanent" {
			return store.Forever, d.Label, nil
		}
		dur, err := time.ParseDuration(choice)
		if err != nil {
			break
		}
		return now.Add(dur), d.Label, nil
	}
	return time.Time{}, "", sayError("ChooseBanDuration")
}

// banLabel says how long a ban lasts, from the message id of its choice:
// "for 24 hours", "until lifted".
func banLabel(r *http.Request, id string) string {
	if id == "BanUntilLifted" {
		return tr(r, id)
	}
	return tr(r, "BanForDuration", "Duration", tr(r, id))
}
