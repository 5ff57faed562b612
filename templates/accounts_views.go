package templates

import (
	"net/url"

	"github.com/ftppanel/ftppanel/internal/i18n"
)

// AccountRow is one FTP account as the accounts page lists it. Every field is
// ready to print; the panel formats them.
type AccountRow struct {
	Login    string
	Customer string
	// Home is the account's home directory as its customer sees it ("/bob"),
	// never the path on the server.
	Home        string
	Disabled    bool
	IdleTimeout string // "15m 00s (server default)", "30m 00s"
	Limits      string // "down 2 MiB/s, up 512 KiB/s", "no limit"
	Sessions    int    // live FTP sessions now
}

// Status is the account's state in a word.
func (r AccountRow) Status() string {
	if r.Disabled {
		return "disabled"
	}
	return "enabled"
}

// StatusText is the message id of the account's state.
func (r AccountRow) StatusText() string {
	if r.Disabled {
		return i18n.Msg("AccountDisabled")
	}
	return i18n.Msg("AccountEnabled")
}

// AccountURL is where an action on FTP account login lives: "password",
// "disable", "enable", "delete" or "limits".
func AccountURL(login, action string) string {
	return "/accounts/" + url.PathEscape(login) + "/" + action
}

// SessionsOfURL is the sessions list filtered to one login.
func SessionsOfURL(login string) string {
	return "/sessions?" + url.Values{"login": {login}}.Encode()
}

// NewAccountForm is the "Add an FTP account" form as the user filled it in; the
// password is never sent back.
type NewAccountForm struct {
	Login    string
	Customer string
	Error    string
}

// AccountsPage lists FTP accounts: a customer's own, or every one for an admin.
type AccountsPage struct {
	Page
	Flash     string
	IsAdmin   bool
	Rows      []AccountRow
	Customers []string // the choices for the new account's owner (admins)
	Form      NewAccountForm
}

// AccountPasswordPage sets a new password for an FTP account.
type AccountPasswordPage struct {
	Page
	Row   AccountRow
	Error string
}

// AccountDeletePage asks before deleting an FTP account.
type AccountDeletePage struct {
	Page
	Row AccountRow
}

// PasswordPage changes the signed-in panel user's own password.
type PasswordPage struct {
	Page
	Flash string
	Error string
}

// AccountLimitsPage sets an FTP account's download and upload limits. Down
// and Up are the form's values, as typed or as the account has them ("2M",
// "" for none).
type AccountLimitsPage struct {
	Page
	Row      AccountRow
	Down, Up string
	Error    string
}
