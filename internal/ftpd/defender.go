package ftpd

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"sync"
	"time"

	"github.com/ftppanel/ftppanel/internal/lockout"
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
// past a threshold within a window it bans the address, for longer each time,
// until a day passes without a ban. While a ban is in force nothing scores:
// failures on connections opened before it must not make it longer.
type defender struct {
	on      bool
	offence *lockout.Counter

	// stored[i] is held by Server.strike from reading the store's ban on an
	// address to writing its own, so that concurrent failures from it make one
	// ban; a lock per address (by hash), so a slow store call holds up only the
	// few addresses that share its lock.
	stored [storedLocks]sync.Mutex
}

// storedLocks is how many addresses' bans can be checked and stored at once.
const storedLocks = 64

// storedLock is the lock over ip's ban in the store.
func (d *defender) storedLock(ip string) *sync.Mutex {
	h := fnv.New32a()
	h.Write([]byte(ip))
	return &d.stored[h.Sum32()%storedLocks]
}

// banStore is what the defender reads and writes in the store; tests slow it down.
type banStore interface {
	ActiveBan(ctx context.Context, ip string) (store.Ban, error)
	AddBan(ctx context.Context, b store.Ban) (store.Ban, error)
}

// newDefender bans after threshold failures within window, for banTime at
// first; a threshold of 0 never bans.
func newDefender(threshold int, window, banTime time.Duration, now func() time.Time) *defender {
	return &defender{on: threshold > 0, offence: lockout.New(lockout.Policy{Limit: float64(threshold), Window: window,
		Lock: banTime, MaxLock: banTime << maxBanDoublings}, now)}
}

// strike scores an event against ip and says how long to ban it, if at all.
func (d *defender) strike(ip string, score float64) time.Duration {
	if !d.on {
		return 0
	}
	return d.offence.Fail(ip, score)
}

// ended ends the defender's ban on ip now, as lifting it in the panel does:
// failures count again, and the next ban is a repeat.
func (d *defender) ended(ip string) { d.offence.Unlock(ip) }

// forget drops the addresses whose window has passed and whose last ban, if
// any, ended a day ago: a scan of many addresses does not stay in memory.
func (d *defender) forget() { d.offence.Prune() }

// strike scores against ip and, past the threshold, bans it: the ban is stored,
// audited, and every session from the address is closed.
func (s *Server) strike(ip string, score float64, why string) {
	if !s.defender.on {
		return
	}
	ctx := context.Background()
	reason := "too many " + why
	stored := s.defender.storedLock(ip)
	stored.Lock()
	banFor, ok := s.scoreAgainst(ctx, ip, score, reason)
	stored.Unlock()
	if !ok {
		return
	}
	s.log.Warn("address banned", slog.String("ip", ip), slog.String("reason", reason), slog.Duration("for", banFor))
	if err := s.store.RecordAudit(ctx, store.AuditEntry{Actor: "defender", Action: "ban", RemoteIP: ip,
		Detail: fmt.Sprintf("%s; banned for %s", reason, banFor)}); err != nil {
		s.log.Error("audit ban", slog.Any("error", err))
	}
	s.EndBanned(ip)
}

// EndBanned ends every session from ip, telling each client that its address
// is banned, and returns how many it ended. The defender calls it after its own
// bans, and the fleet after a ban made on another node.
func (s *Server) EndBanned(ip string) int {
	ended := 0
	for _, snap := range s.registry.List(session.AllSessions(), session.Filter{ExactIP: ip}) {
		if s.drop(snap.ID, "421 This address is banned.", session.EndBanned) {
			ended++
		}
	}
	return ended
}

// scoreAgainst scores against ip unless a ban is in force on it, and stores the
// ban the score earns; it reports whether it banned, and for how long. The store
// decides what is in force: a ban lifted in the panel ends the defender's too,
// and one an admin made counts as a ban.
func (s *Server) scoreAgainst(ctx context.Context, ip string, score float64, reason string) (time.Duration, bool) {
	now := s.now()
	switch _, err := s.bans.ActiveBan(ctx, ip); {
	case err == nil:
		return 0, false
	case errors.Is(err, store.ErrNotFound):
		s.defender.ended(ip)
	default:
		// The database is out of reach: the defender's own memory decides.
		s.log.Error("check ban", slog.String("ip", ip), slog.Any("error", err))
	}
	banFor := s.defender.strike(ip, score)
	if banFor == 0 {
		return 0, false
	}
	if _, err := s.bans.AddBan(ctx, store.Ban{IP: ip, Reason: reason, CreatedBy: "defender", CreatedAt: now, Until: now.Add(banFor)}); err != nil {
		s.log.Error("ban", slog.String("ip", ip), slog.Any("error", err))
		return 0, false
	}
	return banFor, true
}
