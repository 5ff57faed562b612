package panel

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"github.com/ftppanel/ftppanel/internal/i18n"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"

	"github.com/ftppanel/ftppanel/internal/session"
	"github.com/ftppanel/ftppanel/internal/store"
	"github.com/ftppanel/ftppanel/templates"
)

// What the FTP accounts pages share: finding the account of the URL within the
// user's scope, showing it, reading its forms, and ending its sessions.

// accountFor returns the FTP account the URL names, when the signed-in user may
// act on it; otherwise it answers 404, the same for another customer's account
// as for one that does not exist.
func (p *Panel) accountFor(w http.ResponseWriter, r *http.Request) (store.FTPAccountInfo, bool) {
	a, err := p.findAccount(r)
	if errors.Is(err, store.ErrNotFound) {
		p.accountNotFound(w, r)
		return store.FTPAccountInfo{}, false
	}
	if err != nil {
		p.serverError(w, r, err)
		return store.FTPAccountInfo{}, false
	}
	return a, true
}

// findAccount looks up the FTP account the URL names within the signed-in
// user's scope: ErrNotFound for another customer's, as for one that does not exist.
func (p *Panel) findAccount(r *http.Request) (store.FTPAccountInfo, error) {
	login := chi.URLParam(r, "login")
	if store.ValidateName("FTP login", login) != nil {
		return store.FTPAccountInfo{}, fmt.Errorf("FTP account %q: %w", login, store.ErrNotFound)
	}
	return p.store.FTPAccountIn(r.Context(), accountScope(currentUser(r)), login)
}

func (p *Panel) accountNotFound(w http.ResponseWriter, r *http.Request) {
	p.showError(w, r, http.StatusNotFound, tr(r, "AccountNotFound"), tr(r, "AccountNotFoundText"))
}

// accountRow prepares an account for the table; sessions is how many it has now.
func (p *Panel) accountRow(r *http.Request, a store.FTPAccountInfo, sessions int) templates.AccountRow {
	return templates.AccountRow{
		Login:       a.Login,
		Customer:    a.Customer,
		Home:        accountHome(a.Login),
		Disabled:    a.Disabled,
		IdleTimeout: p.idleTimeoutText(r, a.IdleTimeout),
		Limits:      limitsText(loc(r), a.DownloadLimit, a.UploadLimit),
		Sessions:    sessions,
	}
}

// accountHome is an account's home directory as its customer sees it: the
// customer's own files hold one directory per login.
func accountHome(login string) string { return "/" + login }

// idleTimeoutText says when an account's idle sessions are dropped.
func (p *Panel) idleTimeoutText(r *http.Request, d time.Duration) string {
	if d > 0 {
		return loc(r).Duration(d)
	}
	if p.idleTimeout > 0 {
		return tr(r, "ServerDefaultIs", "Duration", loc(r).Duration(p.idleTimeout))
	}
	return tr(r, "ServerDefault")
}

// limitInput is a limit as the limits form shows it, in a form it reads back:
// "2M", "512K", "1000"; "" for none.
func limitInput(bps int64) string {
	if bps <= 0 {
		return ""
	}
	for _, u := range []struct {
		size int64
		name string
	}{{1 << 30, "G"}, {1 << 20, "M"}, {1 << 10, "K"}} {
		if bps >= u.size && (bps*10)%u.size == 0 { // exactly, with at most one decimal
			return strconv.FormatFloat(float64(bps)/float64(u.size), 'f', -1, 64) + u.name
		}
	}
	return strconv.FormatInt(bps, 10)
}

// liveSessions counts the user's live FTP sessions by login.
func (p *Panel) liveSessions(u store.User) map[string]int {
	n := map[string]int{}
	for _, s := range p.sessions.List(scope(u), session.Filter{}) {
		if s.Login != "" {
			n[s.Login]++
		}
	}
	return n
}

// newAccount is the "Add an FTP account" form, read and checked.
type newAccount struct {
	login, password, customer string
}

// readNewAccount reads the form that adds an FTP account. A customer always adds
// to its own accounts, whatever the form says; an admin names the customer.
func readNewAccount(form url.Values, u store.User) (newAccount, error) {
	a := newAccount{login: strings.TrimSpace(form.Get("login")), password: form.Get("password"), customer: u.Customer}
	if u.IsAdmin() {
		a.customer = strings.TrimSpace(form.Get("customer"))
		if a.customer == "" {
			return newAccount{}, sayError("ChooseCustomer")
		}
		if err := store.ValidateName("customer", a.customer); err != nil {
			return newAccount{}, err
		}
	}
	if err := store.ValidateName("FTP login", a.login); err != nil {
		return newAccount{}, err
	}
	if err := store.ValidatePassword(a.password); err != nil {
		return newAccount{}, passwordRule(a.password)
	}
	return a, nil
}

// readNewPassword reads a new password typed twice, as the password forms ask.
func readNewPassword(form url.Values) (string, error) {
	pw := form.Get("password")
	if pw != form.Get("repeat") {
		return "", sayError("PasswordsDiffer")
	}
	if err := store.ValidatePassword(pw); err != nil {
		return "", passwordRule(pw)
	}
	return pw, nil
}

// passwordRule says which rule of store.ValidatePassword a refused password
// breaks, in a sentence for the form.
func passwordRule(pw string) error {
	switch {
	case utf8.RuneCountInString(pw) < store.MinPasswordLen:
		return sayError("PasswordTooShort", "Min", store.MinPasswordLen)
	case len(pw) > store.MaxPasswordLen:
		return sayError("PasswordTooLong", "Max", store.MaxPasswordLen)
	}
	return sayError("PasswordNotUTF8")
}

// The changes to an FTP account, made as the signed-in user, the same from the
// panel's pages and from the API: each is audited, and those that end sessions
// disconnect them at once (changeAccount).

// addAccount creates an FTP account for customer and audits it.
func (p *Panel) addAccount(r *http.Request, login, customer, password string) error {
	if err := p.store.AddFTPAccount(r.Context(), login, customer, password); err != nil {
		return err
	}
	info := store.FTPAccountInfo{FTPAccount: store.FTPAccount{Login: login, Customer: customer}}
	p.auditAccount(r, "create account", info, "home directory "+accountHome(login))
	return nil
}

// setAccountPassword gives the account a new password; it returns how many
// sessions it ended.
func (p *Panel) setAccountPassword(r *http.Request, a store.FTPAccountInfo, password string) (int, error) {
	return p.changeAccount(r, "change password", a, func() error {
		return p.store.SetFTPPassword(r.Context(), a.Login, password)
	})
}

// disableAccountNow stops the account logging in; it returns how many sessions it ended.
func (p *Panel) disableAccountNow(r *http.Request, a store.FTPAccountInfo) (int, error) {
	return p.changeAccount(r, "disable account", a, func() error {
		return p.store.SetFTPDisabled(r.Context(), a.Login, true)
	})
}

// enableAccountNow lets a disabled account log in again.
func (p *Panel) enableAccountNow(r *http.Request, a store.FTPAccountInfo) error {
	if err := p.store.SetFTPDisabled(r.Context(), a.Login, false); err != nil {
		return err
	}
	p.auditAccount(r, "enable account", a, "")
	return nil
}

// deleteAccountNow removes the account (its files stay); it returns how many
// sessions it ended.
func (p *Panel) deleteAccountNow(r *http.Request, a store.FTPAccountInfo) (int, error) {
	return p.changeAccount(r, "delete account", a, func() error {
		return p.store.DeleteFTPAccount(r.Context(), a.Login)
	})
}

// changeAccount makes a change that ends an FTP account's sessions (a new
// password, disabled, deleted) and disconnects them at once, as the signed-in
// user; it writes the audit log and returns how many sessions it ended.
//
// The sessions are disconnected before the change as well as after it. Before:
// the FTP server drops the sessions of changed accounts on its own within a
// second, and must not race the panel for them, so the panel's answer, the audit
// log and the history all say who ended them. After: a client that logged in
// again in between is dropped too.
func (p *Panel) changeAccount(r *http.Request, action string, a store.FTPAccountInfo, change func() error) (int, error) {
	u := currentUser(r)
	filter := session.Filter{ExactLogin: a.Login}
	closed, unanswered := p.sessions.DisconnectMatching(scope(u), filter, u.Name, "")
	err := change()
	if err == nil {
		more, again := p.sessions.DisconnectMatching(scope(u), filter, u.Name, "")
		closed, unanswered = append(closed, more...), cmp.Or(again, unanswered)
	}
	detail := "no live sessions"
	if len(closed) > 0 {
		detail = templates.SessionCountText(context.Background(), len(closed)) + " disconnected" // the audit log is in English
	}
	if unanswered != nil {
		detail += "; " + unanswered.Error()
	}
	if err != nil {
		if len(closed) == 0 {
			return 0, err
		}
		detail += "; the change itself failed"
	}
	p.auditAccount(r, action, a, detail)
	return len(closed), err
}

// auditAccount logs and records what the signed-in user did to an FTP account.
func (p *Panel) auditAccount(r *http.Request, action string, a store.FTPAccountInfo, detail string) {
	u := currentUser(r)
	if viaAPI(r) {
		detail = strings.TrimPrefix(detail+" (through the API)", " ")
	}
	p.log.Info("FTP account "+action, slog.String("by", u.Name), slog.String("login", a.Login),
		slog.String("customer", a.Customer), slog.String("detail", detail))
	// The change is made; the row must be written even if the browser has gone.
	err := p.store.RecordAudit(context.WithoutCancel(r.Context()), store.AuditEntry{
		Actor: u.Name, Action: action, FTPLogin: a.Login, Customer: a.Customer, Detail: detail,
	})
	if err != nil {
		p.log.Error("audit", slog.String("action", action), slog.String("login", a.Login), slog.Any("error", err))
	}
}

// endedText says what a change did to live sessions, for the message after it.
func endedText(r *http.Request, n int) string {
	if n == 0 {
		return ""
	}
	return tr(r, "AndDisconnected", "Sessions", templates.SessionCountText(r.Context(), n))
}

// limitsText says an account's speed limits in l's language: "down 1 MiB/s, up
// no limit", or "no limit" for none.
func limitsText(l *i18n.Locale, down, up int64) string {
	if down <= 0 && up <= 0 {
		return l.T("NoLimit")
	}
	return l.T("LimitsDownUp", "Down", l.Limit(down), "Up", l.Limit(up))
}
