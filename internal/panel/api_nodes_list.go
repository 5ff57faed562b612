package panel

import "net/http"

// apiNode is a node as the JSON API shows it. The field names are a contract
// with scripts: add fields, never rename or remove one.
type apiNode struct {
	Name      string  `json:"name"`
	Version   string  `json:"version"`
	UpSince   *string `json:"up_since"`   // RFC 3339, UTC; null when not known
	LastHeard *string `json:"last_heard"` // RFC 3339, UTC; null when never heard
	Sessions  int     `json:"sessions"`
	Transfers int     `json:"transfers"`
	Rate      float64 `json:"rate"` // bytes per second, all its sessions together
	Up        bool    `json:"up"`
	Self      bool    `json:"self"` // the node answering
}

// apiListNodes lists the fleet's nodes by name (a single node lists itself).
// Only an administrator's token may: the nodes are the whole fleet's.
func (p *Panel) apiListNodes(w http.ResponseWriter, r *http.Request) {
	if _, ok := p.apiQuery(w, r); !ok {
		return
	}
	if !currentUser(r).IsAdmin() {
		p.apiError(w, r, http.StatusForbidden, "only an administrator's token can list the nodes")
		return
	}
	nodes := p.nodes()
	out := make([]apiNode, len(nodes))
	for i, n := range nodes {
		out[i] = apiNode{Name: n.Name, Version: n.Version, Sessions: n.Sessions, Transfers: n.Transfers,
			Rate: n.Rate, Up: n.Up, Self: n.Self}
		if !n.UpSince.IsZero() {
			at := apiTime(n.UpSince)
			out[i].UpSince = &at
		}
		if !n.LastHeard.IsZero() {
			at := apiTime(n.LastHeard)
			out[i].LastHeard = &at
		}
	}
	p.writeJSON(w, r, http.StatusOK, struct {
		Nodes []apiNode `json:"nodes"`
	}{out})
}
