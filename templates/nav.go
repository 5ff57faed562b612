package templates

// NavLink is one entry of the header's navigation.
type NavLink struct {
	Path      string
	Label     string
	AdminOnly bool
}

// NavLinks are the pages a signed-in user moves between; Page.Nav names the
// current one by its Path.
var NavLinks = []NavLink{
	{"/sessions", "Sessions", false},
	{"/accounts", "Accounts", false},
	{"/history", "History", false},
	{"/audit", "Audit log", false},
	{"/bans", "Bans", true},
}
