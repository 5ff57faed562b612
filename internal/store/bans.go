package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/netip"
	"time"
)

// Forever is the end of a ban that does not expire.
var Forever = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)

// Ban refuses an IP address at connect.
type Ban struct {
	ID        int64
	IP        string
	Reason    string
	CreatedBy string
	CreatedAt time.Time
	Until     time.Time // Forever for a permanent ban
}

// BanChange is a ban added, extended or lifted on this node (see DB.OnBan).
type BanChange struct {
	Ban      Ban
	Lifted   bool
	LiftedBy string // who lifted it, when Lifted
}

// Permanent reports whether the ban never expires.
func (b Ban) Permanent() bool { return !b.Until.Before(Forever) }

// AddBan bans an address until a time and returns the ban in force on it. An
// address has at most one ban in force: when it has one already, that one is
// extended to the later end (taking the new reason and author) rather than
// joined by another, which lifting would leave behind. A ban's CreatedAt, when
// set, is the time its Until was reckoned from; otherwise it is now.
func (db *DB) AddBan(ctx context.Context, b Ban) (Ban, error) {
	addr, err := netip.ParseAddr(b.IP)
	if err != nil {
		return Ban{}, fmt.Errorf("%q is not an IP address", b.IP)
	}
	now := db.Now()
	if !b.CreatedAt.IsZero() {
		now = b.CreatedAt // the caller's clock made Until: the ban lasts exactly what it said
	}
	if !b.Until.After(now) {
		return Ban{}, errors.New("a ban must end in the future")
	}
	ip := addr.Unmap().String()
	var out Ban
	changed := false
	err = db.inTx(ctx, func(tx *sqlTx) error {
		cur, err := scanBan(tx.QueryRowContext(ctx, `SELECT `+banColumns+` FROM bans
			WHERE ip = ? AND lifted_at = '' AND until > ? ORDER BY until DESC LIMIT 1`, ip, formatTime(now)))
		switch {
		case errors.Is(err, sql.ErrNoRows):
			out = Ban{IP: ip, Reason: b.Reason, CreatedBy: b.CreatedBy, CreatedAt: now.UTC(), Until: b.Until.UTC()}
			err := tx.QueryRowContext(ctx, `INSERT INTO bans (ip, reason, created_by, created_at, until) VALUES (?, ?, ?, ?, ?) RETURNING id`,
				ip, b.Reason, b.CreatedBy, formatTime(now), formatTime(b.Until)).Scan(&out.ID)
			if err == nil {
				db.banChange(ip)
				changed = true
			}
			return err
		case err != nil:
			return err
		case !b.Until.After(cur.Until):
			out = cur // the ban in force lasts as long already
			return nil
		}
		out, err = scanBan(tx.QueryRowContext(ctx, `UPDATE bans SET until = ?, created_by = ?,
			reason = CASE WHEN ? = '' THEN reason ELSE ? END WHERE id = ? RETURNING `+banColumns,
			formatTime(b.Until), b.CreatedBy, b.Reason, b.Reason, cur.ID))
		if err == nil {
			db.banChange(ip)
			changed = true
		}
		return err
	})
	if err == nil && changed && db.OnBan != nil {
		db.OnBan(BanChange{Ban: out})
	}
	return out, err
}

// ActiveBan returns the ban in force on ip now, the one lasting longest, or
// ErrNotFound.
func (db *DB) ActiveBan(ctx context.Context, ip string) (Ban, error) {
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return Ban{}, ErrNotFound
	}
	row := db.db.QueryRowContext(ctx, `SELECT `+banColumns+` FROM bans
		WHERE ip = ? AND lifted_at = '' AND until > ? ORDER BY until DESC LIMIT 1`,
		addr.Unmap().String(), formatTime(db.Now()))
	b, err := scanBan(row)
	if errors.Is(err, sql.ErrNoRows) {
		return Ban{}, ErrNotFound
	}
	return b, err
}

// Bans lists the bans in force now, newest first.
func (db *DB) Bans(ctx context.Context) ([]Ban, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT `+banColumns+` FROM bans
		WHERE lifted_at = '' AND until > ? ORDER BY id DESC`, formatTime(db.Now()))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Ban
	for rows.Next() {
		b, err := scanBan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// LiftBan ends a ban in force now; ErrNotFound when there is none with that ID.
// An address has no other ban in force (see AddBan), so it may connect at once.
func (db *DB) LiftBan(ctx context.Context, id int64, by string) (Ban, error) {
	now := formatTime(db.Now())
	var b Ban
	err := db.inTx(ctx, func(tx *sqlTx) error {
		var err error
		b, err = scanBan(tx.QueryRowContext(ctx, `UPDATE bans SET lifted_at = ?, lifted_by = ?
			WHERE id = ? AND lifted_at = '' AND until > ? RETURNING `+banColumns, now, by, id, now))
		if err == nil {
			db.banChange(b.IP)
		}
		return err
	})
	if errors.Is(err, sql.ErrNoRows) {
		return Ban{}, ErrNotFound
	}
	if err == nil && db.OnBan != nil {
		db.OnBan(BanChange{Ban: b, Lifted: true, LiftedBy: by})
	}
	return b, err
}

// OnBanChange has f told of each address whose ban AddBan adds or extends or
// LiftBan lifts: the fleet passes these on to the other nodes. f is called
// inside the change's transaction, before it commits, so that a change from
// the fleet that ApplyBan or ApplyLift takes in after it (they wait for the
// transaction) knows of it; if the commit then fails, f was told of a change
// that did not happen. ApplyBan and ApplyLift do not tell f. f must be quick
// and must not use the database; nil stops the telling.
func (db *DB) OnBanChange(f func(ip string)) {
	if f == nil {
		db.banChanged.Store(nil)
		return
	}
	db.banChanged.Store(&f)
}

func (db *DB) banChange(ip string) {
	if f := db.banChanged.Load(); f != nil {
		(*f)(ip)
	}
}

// ApplyBan makes b the ban in force on b.IP, as another node of the fleet has
// it: unlike AddBan, it may shorten a ban, and it does not tell OnBanChange.
// b.CreatedAt and b.Until are kept as they are; a ban that has already ended
// adds nothing. skip, when not nil, is asked once no other change can come in
// between: when it says so, nothing changes (this node changed the address's
// ban meanwhile, and its change goes to the fleet). It reports whether
// anything changed.
func (db *DB) ApplyBan(ctx context.Context, b Ban, skip func() bool) (bool, error) {
	addr, err := netip.ParseAddr(b.IP)
	if err != nil {
		return false, fmt.Errorf("%q is not an IP address", b.IP)
	}
	ip := addr.Unmap().String()
	now := db.Now()
	created := b.CreatedAt
	if created.IsZero() || created.After(now) {
		created = now
	}
	changed := false
	err = db.inTx(ctx, func(tx *sqlTx) error {
		changed = false
		if skip != nil && skip() {
			return nil
		}
		// A ban that has ended since created is taken over too: a new row
		// beside it would be refused (one ban in force per address).
		cur, err := scanBan(tx.QueryRowContext(ctx, `SELECT `+banColumns+` FROM bans
			WHERE ip = ? AND lifted_at = '' AND until > ? ORDER BY until DESC LIMIT 1`, ip, formatTime(created)))
		switch {
		case errors.Is(err, sql.ErrNoRows):
			if !b.Until.After(now) {
				return nil
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO bans (ip, reason, created_by, created_at, until) VALUES (?, ?, ?, ?, ?)`,
				ip, b.Reason, b.CreatedBy, formatTime(created), formatTime(b.Until))
			changed = err == nil
			return err
		case err != nil:
			return err
		case cur.Until.Equal(b.Until) && cur.Reason == b.Reason && cur.CreatedBy == b.CreatedBy:
			return nil
		}
		_, err = tx.ExecContext(ctx, `UPDATE bans SET until = ?, reason = ?, created_by = ?, created_at = ? WHERE id = ?`,
			formatTime(b.Until), b.Reason, b.CreatedBy, formatTime(created), cur.ID)
		changed = err == nil
		return err
	})
	return changed, err
}

// ApplyLift lifts the ban in force on ip, if any, as another node of the fleet
// did; it does not tell OnBanChange. skip is as for ApplyBan. It reports
// whether it lifted one.
func (db *DB) ApplyLift(ctx context.Context, ip, by string, skip func() bool) (bool, error) {
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return false, fmt.Errorf("%q is not an IP address", ip)
	}
	now := formatTime(db.Now())
	lifted := false
	err = db.inTx(ctx, func(tx *sqlTx) error {
		lifted = false
		if skip != nil && skip() {
			return nil
		}
		res, err := tx.ExecContext(ctx, `UPDATE bans SET lifted_at = ?, lifted_by = ?
			WHERE ip = ? AND lifted_at = '' AND until > ?`, now, by, addr.Unmap().String(), now)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		lifted = n > 0
		return err
	})
	return lifted, err
}

// BanState is what this node knows of an address's bans.
type BanState struct {
	Ban      Ban       // the ban in force; a zero ID when there is none
	LiftedAt time.Time // when a ban on the address was last lifted; zero if never
}

// BanState returns the ban in force on ip, if any, and when a ban on it was
// last lifted. It waits for a change being written (see OnBanChange) and
// reads what it left.
func (db *DB) BanState(ctx context.Context, ip string) (BanState, error) {
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return BanState{}, nil
	}
	ip = addr.Unmap().String()
	var st BanState
	err = db.inTx(ctx, func(tx *sqlTx) error { // a writer's transaction: it waits for the other writers
		st = BanState{}
		b, err := scanBan(tx.QueryRowContext(ctx, `SELECT `+banColumns+` FROM bans
			WHERE ip = ? AND lifted_at = '' AND until > ? ORDER BY until DESC LIMIT 1`, ip, formatTime(db.Now())))
		switch {
		case err == nil:
			st.Ban = b
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		var lifted string
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(lifted_at), '') FROM bans WHERE ip = ? AND lifted_at != ''`,
			ip).Scan(&lifted); err != nil {
			return err
		}
		if lifted != "" {
			st.LiftedAt = parseTime(lifted)
		}
		return nil
	})
	return st, err
}

const banColumns = `id, ip, reason, created_by, created_at, until`

func scanBan(row interface{ Scan(...any) error }) (Ban, error) {
	var b Ban
	var created, until string
	if err := row.Scan(&b.ID, &b.IP, &b.Reason, &b.CreatedBy, &created, &until); err != nil {
		return Ban{}, err
	}
	b.CreatedAt, b.Until = parseTime(created), parseTime(until)
	return b, nil
}
