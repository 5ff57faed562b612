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
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		cur, err := scanBan(tx.QueryRowContext(ctx, `SELECT `+banColumns+` FROM bans
			WHERE ip = ? AND lifted_at = '' AND until > ? ORDER BY until DESC LIMIT 1`, ip, formatTime(now)))
		switch {
		case errors.Is(err, sql.ErrNoRows):
			res, err := tx.ExecContext(ctx, `INSERT INTO bans (ip, reason, created_by, created_at, until) VALUES (?, ?, ?, ?, ?)`,
				ip, b.Reason, b.CreatedBy, formatTime(now), formatTime(b.Until))
			if err != nil {
				return err
			}
			out = Ban{IP: ip, Reason: b.Reason, CreatedBy: b.CreatedBy, CreatedAt: now.UTC(), Until: b.Until.UTC()}
			out.ID, err = res.LastInsertId()
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
		return err
	})
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
	b, err := scanBan(db.db.QueryRowContext(ctx, `UPDATE bans SET lifted_at = ?, lifted_by = ?
		WHERE id = ? AND lifted_at = '' AND until > ? RETURNING `+banColumns, now, by, id, now))
	if errors.Is(err, sql.ErrNoRows) {
		return Ban{}, ErrNotFound
	}
	return b, err
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
