package panel

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/ftppanel/ftppanel/internal/store"
)

// liftBan ends a ban, so the address may connect again.
func (p *Panel) liftBan(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	var ban store.Ban
	if err == nil {
		ban, err = p.store.LiftBan(r.Context(), id, u.Name)
	}
	var numErr *strconv.NumError
	if errors.Is(err, store.ErrNotFound) || errors.As(err, &numErr) {
		p.showError(w, r, http.StatusNotFound, tr(r, "BanNotFound"), tr(r, "BanNotFoundText"))
		return
	}
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	p.log.Info("ban lifted", slog.String("by", u.Name), slog.String("ip", ban.IP))
	if err := p.store.RecordAudit(context.WithoutCancel(r.Context()), store.AuditEntry{
		Actor: u.Name, Action: "lift ban", RemoteIP: ban.IP, Detail: "ban " + strconv.FormatInt(ban.ID, 10) + " lifted",
	}); err != nil {
		p.log.Error("audit lift ban", slog.Any("error", err))
	}
	setFlash(w, r, tr(r, "FlashBanLifted", "IP", ban.IP))
	seeOther(w, r, "/bans")
}
