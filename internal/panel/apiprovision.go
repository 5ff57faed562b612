package panel

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/ftppanel/ftppanel/internal/session"
	"github.com/ftppanel/ftppanel/internal/store"
)

// What the provisioning API's handlers share (customers and FTP accounts, as a
// host's control panel makes them): reading bodies, the errors of invalid
// values, and how customers and accounts look in JSON.

// maxProvisionBody bounds the JSON body of a provisioning request.
const maxProvisionBody = 64 << 10

// viaAPI reports whether r came through the JSON API rather than the panel's pages.
func viaAPI(r *http.Request) bool {
	rctx := chi.RouteContext(r.Context())
	return rctx != nil && strings.HasPrefix(rctx.RoutePattern(), apiPrefix)
}

// readBody decodes the request's JSON object into v. It answers 413 for a body
// over 64 KiB and 400 for one that is not a single JSON object of v's fields,
// and reports whether v may be used.
func (p *Panel) readBody(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxProvisionBody))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	var tooLarge *http.MaxBytesError
	if err == nil {
		// Only white space may follow, and it counts toward the limit too.
		if _, next := dec.Token(); next != io.EOF && !errors.As(next, &tooLarge) {
			err = errors.New("more than one JSON value")
		} else if next != io.EOF {
			err = next
		}
	}
	switch {
	case err == nil:
		return true
	case errors.As(err, &tooLarge):
		p.apiError(w, r, http.StatusRequestEntityTooLarge, "the body is over 64 KiB")
	case errors.Is(err, io.EOF):
		p.apiError(w, r, http.StatusBadRequest, "the body must be a JSON object")
	default:
		p.apiError(w, r, http.StatusBadRequest, "malformed JSON body: "+strings.TrimPrefix(err.Error(), "json: "))
	}
	return false
}

// apiInvalid answers 422: the body is well formed, but field's value breaks a rule.
func (p *Panel) apiInvalid(w http.ResponseWriter, r *http.Request, field string, err error) {
	p.writeJSON(w, r, http.StatusUnprocessableEntity, struct {
		Error string `json:"error"`
		Field string `json:"field"`
	}{err.Error(), field})
}

// passwordProblem is why a new password is refused, as a sentence; nil when it is fine.
func passwordProblem(pw string) error {
	if err := store.ValidatePassword(pw); err != nil {
		return passwordRule(pw)
	}
	return nil
}

// randomPassword is a password for an account made without one: 26 characters
// of base32, 130 bits.
func randomPassword() string { return rand.Text() }

// adminToken answers 403 unless the request's token is an administrator's.
func (p *Panel) adminToken(w http.ResponseWriter, r *http.Request, what string) bool {
	if currentUser(r).IsAdmin() {
		return true
	}
	p.apiError(w, r, http.StatusForbidden, "only an administrator's token can "+what)
	return false
}

// apiCustomer is a hosting customer as the API shows it.
type apiCustomer struct {
	Name      string `json:"name"`
	CreatedAt string `json:"created_at"` // RFC 3339, UTC
	Accounts  int    `json:"accounts"`   // FTP accounts it owns
}

func toAPICustomer(c store.Customer) apiCustomer {
	return apiCustomer{Name: c.Name, CreatedAt: apiTime(c.CreatedAt), Accounts: c.Accounts}
}

// customerNamed returns the customer the URL names, or answers 404.
func (p *Panel) customerNamed(w http.ResponseWriter, r *http.Request) (store.Customer, bool) {
	name := chi.URLParam(r, "name")
	if store.ValidateName("customer", name) != nil {
		p.apiCustomerNotFound(w, r, name)
		return store.Customer{}, false
	}
	c, err := p.store.CustomerNamed(r.Context(), name)
	if errors.Is(err, store.ErrNotFound) {
		p.apiCustomerNotFound(w, r, name)
		return store.Customer{}, false
	}
	if err != nil {
		p.apiServerError(w, r, err)
		return store.Customer{}, false
	}
	return c, true
}

func (p *Panel) apiCustomerNotFound(w http.ResponseWriter, r *http.Request, name string) {
	p.apiError(w, r, http.StatusNotFound, fmt.Sprintf("no customer named %q", name))
}

// apiAccount is an FTP account as the API shows it. The field names are a
// contract with scripts: add fields, never rename or remove one.
type apiAccount struct {
	Login    string `json:"login"`
	Customer string `json:"customer"`
	// Home is the account's directory as its customer sees it, never the server's path.
	Home     string `json:"home"`
	Disabled bool   `json:"disabled"`
	// IdleTimeout is the account's own idle timeout in seconds; 0 for the server's.
	IdleTimeout int64 `json:"idle_timeout"`
	// DownloadLimit and UploadLimit are bytes per second for each of the
	// account's transfers that way; 0 for none.
	DownloadLimit int64  `json:"download_limit"`
	UploadLimit   int64  `json:"upload_limit"`
	CreatedAt     string `json:"created_at"` // RFC 3339, UTC
	Sessions      int    `json:"sessions"`   // live now
	// Password is only in the answer that created the account with a random one.
	Password string `json:"password,omitempty"`
}

func toAPIAccount(a store.FTPAccountInfo, sessions int) apiAccount {
	return apiAccount{
		Login:         a.Login,
		Customer:      a.Customer,
		Home:          accountHome(a.Login),
		Disabled:      a.Disabled,
		IdleTimeout:   int64(a.IdleTimeout.Seconds()),
		DownloadLimit: a.DownloadLimit,
		UploadLimit:   a.UploadLimit,
		CreatedAt:     apiTime(a.CreatedAt),
		Sessions:      sessions,
	}
}

// apiAccountFor returns the FTP account the URL names within the token's
// scope, or answers 404, the same for another customer's as for none.
func (p *Panel) apiAccountFor(w http.ResponseWriter, r *http.Request) (store.FTPAccountInfo, bool) {
	a, err := p.findAccount(r)
	if errors.Is(err, store.ErrNotFound) {
		p.apiAccountNotFound(w, r)
		return store.FTPAccountInfo{}, false
	}
	if err != nil {
		p.apiServerError(w, r, err)
		return store.FTPAccountInfo{}, false
	}
	return a, true
}

func (p *Panel) apiAccountNotFound(w http.ResponseWriter, r *http.Request) {
	p.apiError(w, r, http.StatusNotFound, "FTP account not found")
}

// apiAccountChanged reports whether a change to an FTP account was made, and
// otherwise answers: 404 for an account deleted meanwhile, 500 for a failure.
func (p *Panel) apiAccountChanged(w http.ResponseWriter, r *http.Request, err error) bool {
	switch {
	case err == nil:
		return true
	case errors.Is(err, store.ErrNotFound):
		p.apiAccountNotFound(w, r)
	default:
		p.apiServerError(w, r, err)
	}
	return false
}

// writeAccount answers with the account as it is now, read again within the
// token's scope, with its live sessions.
func (p *Panel) writeAccount(w http.ResponseWriter, r *http.Request, status int, login, password string) {
	a, err := p.store.FTPAccountIn(r.Context(), accountScope(currentUser(r)), login)
	if errors.Is(err, store.ErrNotFound) { // deleted meanwhile
		p.apiAccountNotFound(w, r)
		return
	}
	if err != nil {
		p.apiServerError(w, r, err)
		return
	}
	live := len(p.sessions.List(scope(currentUser(r)), session.Filter{ExactLogin: login}))
	out := toAPIAccount(a, live)
	out.Password = password
	p.writeJSON(w, r, status, out)
}

// apiDisconnected is the answer to a change that ended sessions.
type apiDisconnected struct {
	Disconnected int `json:"disconnected"`
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

// accountsText is "1 FTP account" or "N FTP accounts".
func accountsText(n int) string {
	if n == 1 {
		return "1 FTP account"
	}
	return strconv.Itoa(n) + " FTP accounts"
}
