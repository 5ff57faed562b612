-- One-time sign-in links a host's control panel hands a customer (single sign-on,
-- as WHM opens cPanel). Only a hash of the link's token is kept; a link works
-- once, until it expires. Used and expired links stay a day, so that a second
-- use is told "already used" rather than "unknown".
CREATE TABLE login_links (
    token_hash BLOB PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES panel_users(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT
);
CREATE INDEX login_links_expires ON login_links(expires_at);
