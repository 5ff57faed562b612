package panel

import (
	"net/http"

	"github.com/ftppanel/ftppanel/templates"
)

// showNodes lists the fleet's nodes, up or down; a single node lists itself.
func (p *Panel) showNodes(w http.ResponseWriter, r *http.Request) {
	var rows []templates.NodeRow
	for _, n := range p.nodes() {
		row := templates.NodeRow{Name: n.Name, Version: n.Version, Sessions: n.Sessions, Transfers: n.Transfers,
			Rate: loc(r).Rate(n.Rate), Up: n.Up, Self: n.Self}
		if !n.UpSince.IsZero() {
			row.UpSince = instant(n.UpSince)
		}
		if !n.LastHeard.IsZero() {
			row.LastHeard = instant(n.LastHeard)
		}
		rows = append(rows, row)
	}
	p.render(w, r, http.StatusOK, templates.NodesView(templates.NodesPage{Page: page(r, tr(r, "NodesHeading")), Nodes: rows}))
}
