package templates

// NavLink is one entry of the header's navigation.
type NavLink struct {
	Path      string
	Label     string
	AdminOnly bool
	FleetOnly bool // shown only when this node is one of a fleet
}

// NavLinks are the pages a signed-in user moves between; Page.Nav names the
// current one by its Path.
var NavLinks = []NavLink{
	{"/sessions", "Sessions", false, false},
	{"/accounts", "Accounts", false, false},
	{"/history", "History", false, false},
	{"/audit", "Audit log", false, false},
	{"/bans", "Bans", true, false},
	{"/nodes", "Nodes", true, true},
	{"/maintenance", "Maintenance", true, false},
}
