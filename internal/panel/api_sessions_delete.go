package panel

import (
	"net/http"
	"sync"

	"github.com/ftppanel/ftppanel/internal/session"
	"github.com/ftppanel/ftppanel/internal/store"
)

// apiDisconnectLogin closes every session of one FTP login within the token's
// scope, all at once, audits each and answers with how many it closed.
func (p *Panel) apiDisconnectLogin(w http.ResponseWriter, r *http.Request) {
	q, ok := p.apiQuery(w, r, "login")
	if !ok {
		return
	}
	login := q.Get("login")
	if login == "" {
		p.apiError(w, r, http.StatusBadRequest, "the login query parameter is required: DELETE /api/v1/sessions?login=LOGIN")
		return
	}
	u := currentUser(r)
	closed := p.disconnectLogin(u, login)
	for _, snap := range closed {
		p.auditAPIDisconnect(r, u, snap)
	}
	p.writeJSON(w, r, http.StatusOK, struct {
		Disconnected int `json:"disconnected"`
	}{len(closed)})
}

// disconnectLogin closes the sessions whose login is exactly login (the list
// filter matches substrings: bob must not take bobby with him) and returns them.
func (p *Panel) disconnectLogin(u store.User, login string) []session.Snapshot {
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		closed []session.Snapshot
	)
	for _, s := range p.registry.List(scope(u), session.Filter{Login: login}) {
		if s.Login != login {
			continue
		}
		// In parallel: each Disconnect waits for its session to end.
		wg.Go(func() {
			snap, err := p.registry.Disconnect(s.ID, scope(u), u.Name)
			if err != nil {
				return // it ended meanwhile
			}
			mu.Lock()
			closed = append(closed, snap)
			mu.Unlock()
		})
	}
	wg.Wait()
	return closed
}
