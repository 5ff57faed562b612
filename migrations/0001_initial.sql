-- Hosting customers: each owns FTP accounts and logs in to the panel.
CREATE TABLE customers (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);

-- People who log in to the panel: admins (customer_id NULL) and customers.
CREATE TABLE panel_users (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'customer')),
    customer_id   INTEGER REFERENCES customers(id) ON DELETE CASCADE,
    created_at    TEXT NOT NULL,
    CHECK ((role = 'admin') = (customer_id IS NULL))
);

CREATE TABLE ftp_accounts (
    id            INTEGER PRIMARY KEY,
    login         TEXT NOT NULL UNIQUE,
    customer_id   INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    password_hash TEXT NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL
);

-- Signed-in panel browsers; only a hash of the cookie's token is kept.
CREATE TABLE panel_sessions (
    token_hash BLOB PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES panel_users(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    last_seen  TEXT NOT NULL
);
CREATE INDEX panel_sessions_user ON panel_sessions(user_id);

-- What panel users did. Names are copied, not referenced, so rows outlive accounts.
CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,
    session_id TEXT NOT NULL DEFAULT '',
    ftp_login  TEXT NOT NULL DEFAULT '',
    customer   TEXT NOT NULL DEFAULT '',
    remote_ip  TEXT NOT NULL DEFAULT '',
    detail     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log(at);
