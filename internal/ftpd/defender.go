package ftpd

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"sync"
	"time"

	"github.com/ftppanel/ftppanel/internal/session"
	"github.com/ftppanel/ftppanel/internal/store"
)

// Weights of what counts against an address.
const (
	failedLoginScore = 1.0
	noLoginScore     = 0.5 // a connection that ended without logging in
	maxBanDoublings  = 6   // a repeat offender's ban grows to 64 times the first
)

// defender scores failed logins (and connections that never log in) by address;
// past a threshold within a window it bans the address, for longer each time.
type defender struct {
	threshold float64
	window    time.Duration
	banTime   time.Duration

	mu   sync.Mutex
	byIP map[string]*offender
}

type offender struct {
	score float64
	since time.Time // the start of the window the score is for
	bans  int
}

// strike scores an event against ip and says how long to ban it, if at all.
func (d *defender) strike(ip string, score float64, now time.Time) time.Duration {
	if d.threshold <= 0 {
		return 0
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	o := d.byIP[ip]
	if o == nil {
		o = &offender{since: now}
		d.byIP[ip] = o
	}
	if now.Sub(o.since) > d.window {
		o.score, o.since = 0, now
	}
	o.score += score
	if o.score < d.threshold {
		return 0
	}
	ban := d.banTime * time.Duration(math.Pow(2, float64(min(o.bans, maxBanDoublings))))
	o.bans++
	o.score, o.since = 0, now
	return ban
}

// forget drops addresses whose window has passed and that were never banned;
// banned ones are kept, so a repeat offence bans for longer.
func (d *defender) forget(now time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for ip, o := range d.byIP {
		if o.bans == 0 && now.Sub(o.since) > d.window {
			delete(d.byIP, ip)
		}
	}
}

// strike scores against ip and, past the threshold, bans it: the ban is stored,
// audited, and every session from the address is closed.
func (s *Server) strike(ip string, score float64, why string) {
	banFor := s.defender.strike(ip, score, s.now())
	if banFor == 0 {
		return
	}
	ctx := context.Background()
	reason := "too many " + why
	if _, err := s.store.AddBan(ctx, store.Ban{IP: ip, Reason: reason, CreatedBy: "defender", Until: s.now().Add(banFor)}); err != nil {
		s.log.Error("ban", slog.String("ip", ip), slog.Any("error", err))
		return
	}
	s.log.Warn("address banned", slog.String("ip", ip), slog.String("reason", reason), slog.Duration("for", banFor))
	if err := s.store.RecordAudit(ctx, store.AuditEntry{Actor: "defender", Action: "ban", RemoteIP: ip,
		Detail: fmt.Sprintf("%s; banned for %s", reason, banFor)}); err != nil {
		s.log.Error("audit ban", slog.Any("error", err))
	}
	for _, snap := range s.registry.List(session.AllSessions(), session.Filter{ExactIP: ip}) {
		s.drop(snap.ID, "421 This address is banned.", session.EndBanned)
	}
}
