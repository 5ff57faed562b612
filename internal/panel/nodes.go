package panel

import (
	"cmp"
	"context"
	"github.com/ftppanel/ftppanel/internal/i18n"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/ftppanel/ftppanel/internal/session"
	"github.com/ftppanel/ftppanel/templates"
)

// fleetKey holds, in a request's context, what every page of a fleet's node
// shows of the fleet: templates.Page's Fleet and Unreachable.
type fleetKey struct{}

type fleetFrame struct{ unreachable templates.FleetBanner }

// withFleet tells every page whether this node is one of a fleet and whether
// the fleet is out of reach; a single node's pages carry nothing.
func (p *Panel) withFleet(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p.fleet == nil {
			next.ServeHTTP(w, r)
			return
		}
		ctx := context.WithValue(r.Context(), fleetKey{}, fleetFrame{p.unreachableBanner()})
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// fleetFrameOf is what withFleet put in the request, and whether it did.
func fleetFrameOf(r *http.Request) (fleetFrame, bool) {
	f, ok := r.Context().Value(fleetKey{}).(fleetFrame)
	return f, ok
}

// unreachableBanner says since when the fleet has been out of reach; nothing
// while it is reachable or for a single node.
func (p *Panel) unreachableBanner() templates.FleetBanner {
	if p.fleet == nil {
		return templates.FleetBanner{}
	}
	since := p.fleet.Unreachable()
	if since.IsZero() {
		return templates.FleetBanner{}
	}
	u := since.UTC()
	return templates.FleetBanner{
		Since: templates.Time{Text: u.Format("15:04 UTC"), ISO: u.Format(time.RFC3339), Present: true},
		Node:  p.node,
	}
}

// nodes lists the fleet's nodes by name, or, for a single node, this node
// alone, with its own figures.
func (p *Panel) nodes() []session.NodeInfo {
	if p.fleet == nil {
		_, _, sum := p.sessions.Page(session.AllSessions(), 1, 1)
		now := p.now()
		return []session.NodeInfo{{Name: p.node, Version: p.version, UpSince: p.started, LastHeard: now,
			Sessions: sum.Sessions, Transfers: sum.Transfers, Rate: sum.Rate, Up: true, Self: true}}
	}
	nodes := slices.Clone(p.fleet.Nodes())
	slices.SortFunc(nodes, func(a, b session.NodeInfo) int { return cmp.Compare(a.Name, b.Name) })
	return nodes
}

// fleetStatus is what the sessions list says of the fleet: the banner, the
// nodes down, and, for an admin, each node's figures.
func (p *Panel) fleetStatus(l *i18n.Locale, admin bool) templates.FleetStatus {
	if p.fleet == nil {
		return templates.FleetStatus{}
	}
	st := templates.FleetStatus{Show: true, Unreachable: p.unreachableBanner()}
	for _, n := range p.nodes() {
		if !n.Up {
			st.SomeDown = true
			if admin {
				st.Down = append(st.Down, n.Name)
			}
		}
		if admin {
			st.Nodes = append(st.Nodes, templates.NodeTotal{Name: n.Name, URL: "/sessions?" + url.Values{"node": {n.Name}}.Encode(),
				Sessions: n.Sessions, Transfers: n.Transfers, Rate: l.Rate(n.Rate), Up: n.Up})
		}
	}
	return st
}

// nodeNames are the choices of the list's node filter: every node heard of,
// and the one asked for, even if it is no longer heard of.
func (p *Panel) nodeNames(asked string) []string {
	var names []string
	for _, n := range p.nodes() {
		names = append(names, n.Name)
	}
	if asked != "" && !slices.Contains(names, asked) {
		names = append(names, asked)
		slices.Sort(names)
	}
	return names
}
