package panel

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/ftppanel/ftppanel/internal/store"
)

// apiCreateCustomer adds a hosting customer and its panel login, as
// "ftppanel customer add" does: {"name", "password"}. Administrators' tokens only.
func (p *Panel) apiCreateCustomer(w http.ResponseWriter, r *http.Request) {
	if _, ok := p.apiQuery(w, r); !ok || !p.adminToken(w, r, "manage customers") {
		return
	}
	var body struct {
		Name     string `json:"name"`
		Password string `json:"password"`
	}
	if !p.readBody(w, r, &body) {
		return
	}
	if err := store.ValidateName("customer", body.Name); err != nil {
		p.apiInvalid(w, r, "name", err)
		return
	}
	if err := passwordProblem(body.Password); err != nil {
		p.apiInvalid(w, r, "password", err)
		return
	}
	err := p.store.AddCustomer(r.Context(), body.Name, body.Password)
	if errors.Is(err, store.ErrExists) {
		p.apiError(w, r, http.StatusConflict, fmt.Sprintf("the name %q is taken by a customer or a panel user", body.Name))
		return
	}
	if err != nil {
		p.apiServerError(w, r, err)
		return
	}
	p.auditCustomer(r, "create customer", body.Name, "(through the API)")
	c, err := p.store.CustomerNamed(r.Context(), body.Name)
	if err != nil {
		p.apiServerError(w, r, err)
		return
	}
	p.writeJSON(w, r, http.StatusCreated, toAPICustomer(c))
}

// auditCustomer logs and records what the token's user did to a customer.
func (p *Panel) auditCustomer(r *http.Request, action, customer, detail string) {
	u := currentUser(r)
	p.log.Info(action, slog.String("by", u.Name), slog.String("customer", customer), slog.String("detail", detail))
	// The change is made; the row must be written even if the client has gone.
	err := p.store.RecordAudit(context.WithoutCancel(r.Context()), store.AuditEntry{
		Actor: u.Name, Action: action, Customer: customer, Detail: detail,
	})
	if err != nil {
		p.log.Error("audit", slog.String("action", action), slog.String("customer", customer), slog.Any("error", err))
	}
}
