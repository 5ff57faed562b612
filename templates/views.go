// Package templates holds the panel's HTML views as templ components. The
// generated *_templ.go files are committed; `make check-generated` fails when
// they are stale.
package templates

// Page is what every page's frame shows.
type Page struct {
	Title string
	User  string // the signed-in panel user; empty on the login page
	Role  string // "admin" or "customer"
}

// RoleName is the signed-in user's role as the header shows it.
func (p Page) RoleName() string {
	switch p.Role {
	case "admin":
		return "Administrator"
	case "customer":
		return "Customer"
	}
	return p.Role
}

// SessionRow is one FTP session as the table shows it. Every field is ready to
// print; the panel formats them.
type SessionRow struct {
	ID           string
	Login        string // "" before login
	Customer     string
	Remote       string // IP and port
	RemoteIP     string
	Client       string
	Encrypted    bool
	LoggedInAt   Time
	ConnectedFor string
	IdleFor      string
	State        string
	File         string
	Progress     string // bytes so far, rate, percent when known
	BytesUp      string
	BytesDown    string
}

// Time is an instant as shown: text in UTC, and the exact time for machines.
type Time struct {
	Text    string
	ISO     string
	Present bool
}

// SessionsPage is the FTP Sessions list.
type SessionsPage struct {
	Page
	Rows    []SessionRow
	Flash   string
	IsAdmin bool
}

// ConfirmPage asks before disconnecting a session, for browsers without JavaScript.
type ConfirmPage struct {
	Page
	Row SessionRow
}

// LoginPage is the sign-in form.
type LoginPage struct {
	Page
	Username string
	Error    string
}

// ErrorPage explains why a request could not be served.
type ErrorPage struct {
	Page
	Heading string
	Message string
}

// DisconnectURL is where the confirmation for a session lives.
func DisconnectURL(id string) string { return "/sessions/" + id + "/disconnect" }

// LoginOrDash shows a session's login, or that it has not logged in yet.
func (r SessionRow) LoginOrDash() string {
	if r.Login == "" {
		return "(not logged in)"
	}
	return r.Login
}
