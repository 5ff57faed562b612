package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// FTPAccount is a login to the FTP server, owned by one customer.
type FTPAccount struct {
	Login    string
	Customer string
	// IdleTimeout overrides the server's idle timeout for this account; 0 keeps it.
	IdleTimeout time.Duration
	// DownloadLimit and UploadLimit cap each of the account's sessions, in
	// bytes per second; 0 is no limit.
	DownloadLimit, UploadLimit int64
	// SeenChange is the ID of the newest AccountChange to the login when
	// AuthenticateFTP read the account (0 if none): a session keeps through the
	// changes up to it, as the login already saw them. Listings leave it 0.
	SeenChange int64
}

// AddFTPAccount creates an FTP account for an existing customer.
func (db *DB) AddFTPAccount(ctx context.Context, login, customer, password string) error {
	if err := ValidateName("FTP login", login); err != nil {
		return err
	}
	hash, err := db.hashPassword(password)
	if err != nil {
		return err
	}
	res, err := db.db.ExecContext(ctx, `INSERT INTO ftp_accounts (login, customer_id, password_hash, created_at)
		SELECT ?, id, ?, ? FROM customers WHERE name = ?`, login, hash, db.timestamp(), customer)
	if isUniqueViolation(err) {
		return fmt.Errorf("an FTP account named %q %w", login, ErrExists)
	}
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return fmt.Errorf("customer %q: %w", customer, ErrNotFound)
	}
	return nil
}

// AuthenticateFTP checks an FTP login. A wrong password, an unknown login and a
// disabled account all return ErrBadCredentials, after the same slow comparison.
// The account and its newest change (SeenChange) are read in one statement, so
// from one snapshot: a change the login did not see is one its session must end by.
func (db *DB) AuthenticateFTP(ctx context.Context, login, password string) (FTPAccount, error) {
	var (
		a        FTPAccount
		hash     string
		disabled bool
		idle     int64
	)
	err := db.db.QueryRowContext(ctx, `SELECT a.login, c.name, a.password_hash, a.disabled, a.idle_timeout_seconds,
			a.download_limit, a.upload_limit, (SELECT coalesce(max(ch.id), 0) FROM ftp_account_changes ch WHERE ch.login = a.login)
		FROM ftp_accounts a JOIN customers c ON c.id = a.customer_id WHERE a.login = ?`, login).
		Scan(&a.Login, &a.Customer, &hash, &disabled, &idle, &a.DownloadLimit, &a.UploadLimit, &a.SeenChange)
	a.IdleTimeout = time.Duration(idle) * time.Second
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return FTPAccount{}, err
	}
	if !db.verifyPassword(ctx, ftpAccounts, hash, password) || disabled {
		return FTPAccount{}, ErrBadCredentials
	}
	return a, nil
}

// Changes to an FTP account that end its live sessions.
const (
	ChangePassword = "password changed"
	ChangeDisabled = "account disabled"
	ChangeDeleted  = "account deleted"
)

// ChangeLimits is a change to an account's rate limits or idle timeout: its
// live sessions stay, and take the new limits and timeout.
const ChangeLimits = "limits changed"

// MaxRateLimit is the highest limit an account takes: 100 GiB/s, beyond any link.
const MaxRateLimit = 100 << 30

// SetFTPRateLimits sets an account's download and upload limits in bytes per
// second (0 lifts one); the FTP servers sharing the store apply them to the
// account's running sessions within a second.
func (db *DB) SetFTPRateLimits(ctx context.Context, login string, down, up int64) error {
	if down < 0 || up < 0 || down > MaxRateLimit || up > MaxRateLimit {
		return fmt.Errorf("a rate limit must be between 0 (none) and %d bytes per second", int64(MaxRateLimit))
	}
	return db.changeFTPAccount(ctx, login, ChangeLimits,
		`UPDATE ftp_accounts SET download_limit = ?, upload_limit = ? WHERE login = ?`, down, up, login)
}

// LimitsChange is a change to an account's limits: a nil field keeps its value.
type LimitsChange struct {
	Download, Upload *int64         // bytes per second, 0 for none
	IdleTimeout      *time.Duration // 0 for the server's
}

// AccountLimits are an account's limits as they are.
type AccountLimits struct {
	Download, Upload int64
	IdleTimeout      time.Duration
}

// ChangeFTPLimits sets any of an account's download limit, upload limit and
// idle timeout in one statement, so two changes to different fields cannot
// undo each other, and records one ChangeLimits for running sessions. It
// returns the limits as they are after the change; ErrNotFound when no such login.
func (db *DB) ChangeFTPLimits(ctx context.Context, login string, c LimitsChange) (AccountLimits, error) {
	for _, v := range []*int64{c.Download, c.Upload} {
		if v != nil && (*v < 0 || *v > MaxRateLimit) {
			return AccountLimits{}, fmt.Errorf("a rate limit must be between 0 (none) and %d bytes per second", int64(MaxRateLimit))
		}
	}
	if c.IdleTimeout != nil && *c.IdleTimeout < 0 {
		return AccountLimits{}, errors.New("an idle timeout cannot be negative")
	}
	var idle any
	if c.IdleTimeout != nil {
		idle = int64(*c.IdleTimeout / time.Second)
	}
	var out AccountLimits
	err := db.inTx(ctx, func(tx *sqlTx) error {
		var seconds int64
		err := tx.QueryRowContext(ctx, `UPDATE ftp_accounts SET download_limit = COALESCE(?, download_limit),
			upload_limit = COALESCE(?, upload_limit), idle_timeout_seconds = COALESCE(?, idle_timeout_seconds)
			WHERE login = ? RETURNING download_limit, upload_limit, idle_timeout_seconds`,
			nullable(c.Download), nullable(c.Upload), idle, login).Scan(&out.Download, &out.Upload, &seconds)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("FTP account %q: %w", login, ErrNotFound)
		}
		if err != nil {
			return err
		}
		out.IdleTimeout = time.Duration(seconds) * time.Second
		if err := tx.lockInCommitOrder(ctx, accountChangeLock); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO ftp_account_changes (login, change, changed_at) VALUES (?, ?, ?)`,
			login, ChangeLimits, db.timestamp())
		return err
	})
	if err != nil {
		return AccountLimits{}, err
	}
	return out, nil
}

// nullable is v, or SQL NULL for nil.
func nullable(v *int64) any {
	if v == nil {
		return nil
	}
	return *v
}

// DeleteFTPAccount removes an FTP account; its files stay on disk.
func (db *DB) DeleteFTPAccount(ctx context.Context, login string) error {
	return db.changeFTPAccount(ctx, login, ChangeDeleted, `DELETE FROM ftp_accounts WHERE login = ?`, login)
}

// SetFTPPassword gives an FTP account a new password.
func (db *DB) SetFTPPassword(ctx context.Context, login, password string) error {
	hash, err := db.hashPassword(password)
	if err != nil {
		return err
	}
	return db.changeFTPAccount(ctx, login, ChangePassword, `UPDATE ftp_accounts SET password_hash = ? WHERE login = ?`, hash, login)
}

// SetFTPDisabled disables an FTP account (it can no longer log in) or enables it.
func (db *DB) SetFTPDisabled(ctx context.Context, login string, disabled bool) error {
	change := ChangeDisabled
	if !disabled {
		change = "" // enabling ends nothing
	}
	return db.changeFTPAccount(ctx, login, change, `UPDATE ftp_accounts SET disabled = ? WHERE login = ?`, disabled, login)
}

// SetFTPIdleTimeout sets an account's own idle timeout; 0 goes back to the
// server's. Running sessions take it as they take new limits (ChangeLimits).
func (db *DB) SetFTPIdleTimeout(ctx context.Context, login string, d time.Duration) error {
	if d < 0 {
		return errors.New("an idle timeout cannot be negative")
	}
	return db.changeFTPAccount(ctx, login, ChangeLimits, `UPDATE ftp_accounts SET idle_timeout_seconds = ? WHERE login = ?`,
		int64(d/time.Second), login)
}

// changeFTPAccount runs one statement on an account and, for changes that end
// sessions or that they must take (ChangeLimits), records the change for
// running servers; ErrNotFound when no such login.
func (db *DB) changeFTPAccount(ctx context.Context, login, change, query string, args ...any) error {
	return db.inTx(ctx, func(tx *sqlTx) error {
		res, err := tx.ExecContext(ctx, query, args...)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return fmt.Errorf("FTP account %q: %w", login, ErrNotFound)
		}
		if change == "" {
			return nil
		}
		if err := tx.lockInCommitOrder(ctx, accountChangeLock); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO ftp_account_changes (login, change, changed_at) VALUES (?, ?, ?)`,
			login, change, db.timestamp())
		return err
	})
}

// AccountChange is a change to an FTP account that ends its sessions. IDs grow
// in the order changes commit; FTPAccount.SeenChange compares with them.
type AccountChange struct {
	ID     int64
	Login  string
	Change string // ChangePassword, ChangeDisabled, ChangeDeleted or ChangeLimits
}

// AccountChangesAfter returns the changes recorded after the one with ID after,
// oldest first; LastAccountChange gives where to start.
func (db *DB) AccountChangesAfter(ctx context.Context, after int64) ([]AccountChange, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT id, login, change FROM ftp_account_changes WHERE id > ? ORDER BY id`, after)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AccountChange
	for rows.Next() {
		var c AccountChange
		if err := rows.Scan(&c.ID, &c.Login, &c.Change); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// LastAccountChange is the ID of the newest change, 0 when there is none.
func (db *DB) LastAccountChange(ctx context.Context) (int64, error) {
	var id int64
	err := db.db.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM ftp_account_changes`).Scan(&id)
	return id, err
}

// AccountChangeSince returns the newest change to login that ends sessions
// recorded after the one with ID after (an FTPAccount's SeenChange), or ""
// when there is none.
func (db *DB) AccountChangeSince(ctx context.Context, login string, after int64) (string, error) {
	var change string
	err := db.db.QueryRowContext(ctx, `SELECT change FROM ftp_account_changes WHERE login = ? AND id > ?
		AND change != ? ORDER BY id DESC LIMIT 1`, login, after, ChangeLimits).Scan(&change)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return change, err
}
