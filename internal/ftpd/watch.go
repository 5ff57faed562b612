package ftpd

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/ftppanel/ftppanel/internal/session"
	"github.com/ftppanel/ftppanel/internal/store"
)

// watchEvery is how often the server looks for sessions to drop; changes to
// accounts are read twice as often, so that a change made on any node sharing
// the store ends the account's sessions here well within a second.
const (
	watchEvery        = time.Second
	accountWatchEvery = watchEvery / 2
)

// watch enforces, every second, what no single event triggers: the timeouts before
// and after login, the stall and no-transfer timeouts, and changes to accounts made by any process (the panel, the
// command line, another node on the same store), which end the account's sessions
// or, for new limits, apply to them.
func (s *Server) watch(ctx context.Context, lastChange int64) {
	t := time.NewTicker(accountWatchEvery)
	defer t.Stop()
	for tick := 1; ; tick++ {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		lastChange = s.endChangedAccounts(ctx, lastChange)
		if tick%int(watchEvery/accountWatchEvery) == 0 {
			s.dropTimedOut()
			s.defender.forget()
		}
	}
}

func (s *Server) dropTimedOut() {
	for _, o := range s.registry.Overdue(s.now(), s.cfg.LoginTimeout, s.cfg.IdleTimeout) {
		if o.LoggedIn {
			s.drop(o.ID, fmt.Sprintf("421 Idle for %s; closing.", o.Limit), session.EndIdleTimeout)
		} else {
			s.drop(o.ID, fmt.Sprintf("421 No login within %s; closing.", o.Limit), session.EndLoginTimeout)
		}
	}
	for _, st := range s.registry.Stuck(s.now(), s.cfg.StallTimeout, s.cfg.NoTransferTimeout) {
		if st.Kind == session.EndStalled {
			s.drop(st.ID, fmt.Sprintf("421 Transfer stalled: no data moved for %s; closing.", st.Limit), st.Kind)
		} else {
			s.drop(st.ID, fmt.Sprintf("421 No transfer for %s; closing.", st.Limit), st.Kind)
		}
	}
}

// endChangedAccounts ends the sessions of accounts whose password changed or
// that were disabled or deleted since the change last seen, and returns the
// newest change seen.
func (s *Server) endChangedAccounts(ctx context.Context, after int64) int64 {
	changes, err := s.store.AccountChangesAfter(ctx, after)
	if err != nil {
		s.log.Error("read account changes", slog.Any("error", err))
		return after
	}
	for _, c := range changes {
		// Noted before the sessions are listed: a login that the list misses
		// shows its session after this, then finds the change (loggedIn).
		s.changesRead.note(c)
		if c.Change == store.ChangeLimits {
			if err := s.applyAccountLimits(ctx, c.Login); err != nil {
				s.log.Error("read account limits", slog.String("login", c.Login), slog.Any("error", err))
				return after // read again at the next tick
			}
			after = c.ID
			continue
		}
		after = c.ID
		kind, ok := accountChangeEnds[c.Change]
		if !ok {
			s.log.Error("unknown account change: its sessions stay", slog.String("login", c.Login), slog.String("change", c.Change))
			continue
		}
		for _, snap := range s.registry.List(session.AllSessions(), session.Filter{ExactLogin: c.Login}) {
			// A session whose login saw the change was let in by the account as it
			// is now (enabled again, the new password): it stays. IDs, not clocks,
			// say what it saw: a login checked while the change was being written
			// read the account from before it, whatever the time.
			if s.sawChange(snap.ID, c.ID) {
				continue
			}
			if !s.drop(snap.ID, "421 "+sentence(c.Change)+"; closing.", kind) {
				continue
			}
			if err := s.store.RecordAudit(ctx, store.AuditEntry{Actor: "server", Action: "disconnect", SessionID: snap.ID,
				FTPLogin: snap.Login, Customer: snap.Customer, RemoteIP: snap.RemoteIP, Detail: c.Change}); err != nil {
				s.log.Error("audit", slog.Any("error", err))
			}
		}
	}
	return after
}

// applyAccountLimits gives the live sessions of login (or only the sessions
// named) the account's limits and idle timeout as the store has them now: a change read twice
// applies the same limits twice, harmlessly.
func (s *Server) applyAccountLimits(ctx context.Context, login string, only ...*session.Session) error {
	a, err := s.store.FTPAccountIn(ctx, store.AllAccounts(), login)
	if errors.Is(err, store.ErrNotFound) {
		return nil // deleted meanwhile: that change ends its sessions
	}
	if err != nil {
		return err
	}
	if len(only) > 0 {
		for _, ss := range only {
			ss.SetAccountLimits(a.DownloadLimit, a.UploadLimit)
			ss.SetIdleTimeout(a.IdleTimeout)
		}
		return nil
	}
	s.registry.ApplyAccount(login, a.DownloadLimit, a.UploadLimit, a.IdleTimeout)
	return nil
}

// accountChanges is, by login, the newest change to the account that the
// watcher has read: the newest that ends sessions, and the newest to its limits.
type accountChanges struct {
	mu     sync.Mutex
	latest map[string]store.AccountChange
	limits map[string]int64
}

func (a *accountChanges) note(c store.AccountChange) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if c.Change == store.ChangeLimits {
		if a.limits == nil {
			a.limits = make(map[string]int64)
		}
		a.limits[c.Login] = max(a.limits[c.Login], c.ID)
		return
	}
	if a.latest == nil {
		a.latest = make(map[string]store.AccountChange)
	}
	if c.ID > a.latest[c.Login].ID {
		a.latest[c.Login] = c
	}
}

// limitsSince reports whether the watcher has read a change to login's limits
// after the change ID after.
func (a *accountChanges) limitsSince(login string, after int64) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.limits[login] > after
}

// since returns the newest change to login after the change ID after that the
// watcher has read, or "".
func (a *accountChanges) since(login string, after int64) string {
	a.mu.Lock()
	defer a.mu.Unlock()
	if c, ok := a.latest[login]; ok && c.ID > after {
		return c.Change
	}
	return ""
}

// sawChange reports whether the session's login read its account with the
// change already made.
func (s *Server) sawChange(sessionID string, change int64) bool {
	v, ok := s.conns.Load(sessionID)
	return ok && v.(*conn).seenChange.Load() >= change
}

// accountChangeEnds is how each change to an account ends its sessions.
var accountChangeEnds = map[string]session.EndKind{
	store.ChangePassword: session.EndPasswordChanged,
	store.ChangeDisabled: session.EndAccountDisabled,
	store.ChangeDeleted:  session.EndAccountDeleted,
}

// sentence capitalises the first letter: "account disabled" → "Account disabled".
func sentence(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

// drop says why to the client, when the control connection is not encrypted,
// and ends the session for that reason; it reports whether it did.
func (s *Server) drop(id, reply string, kind session.EndKind) bool {
	if v, ok := s.conns.Load(id); ok {
		c := v.(*conn)
		if !c.cc.HasTLSForControl() {
			c.control.say(reply)
		}
	}
	return s.registry.End(id, kind)
}
