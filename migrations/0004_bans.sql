-- Addresses refused at connect, until a time or until an admin lifts the ban.
CREATE TABLE bans (
    id         INTEGER PRIMARY KEY,
    ip         TEXT NOT NULL,
    reason     TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    until      TEXT NOT NULL,
    lifted_by  TEXT NOT NULL DEFAULT '',
    lifted_at  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX bans_ip ON bans(ip, until);
