package templates

import "github.com/ftppanel/ftppanel/internal/i18n"

// NavLink is one entry of the header's navigation.
type NavLink struct {
	Path      string
	Label     string // a message id
	AdminOnly bool
	FleetOnly bool // shown only when this node is one of a fleet
}

// NavLinks are the pages a signed-in user moves between; Page.Nav names the
// current one by its Path.
var NavLinks = []NavLink{
	{"/sessions", i18n.Msg("NavSessions"), false, false},
	{"/accounts", i18n.Msg("NavAccounts"), false, false},
	{"/history", i18n.Msg("NavHistory"), false, false},
	{"/audit", i18n.Msg("NavAudit"), false, false},
	{"/bans", i18n.Msg("NavBans"), true, false},
	{"/nodes", i18n.Msg("NavNodes"), true, true},
	{"/maintenance", i18n.Msg("NavMaintenance"), true, false},
}
