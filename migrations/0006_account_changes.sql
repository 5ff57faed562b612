-- A per-account idle timeout; 0 means the server's.
ALTER TABLE ftp_accounts ADD COLUMN idle_timeout_seconds INTEGER NOT NULL DEFAULT 0;

-- Every change to an FTP account that ends its sessions (a new password, disabled,
-- deleted), so a running server notices changes made by another process too.
CREATE TABLE ftp_account_changes (
    id         INTEGER PRIMARY KEY,
    login      TEXT NOT NULL,
    change     TEXT NOT NULL,
    changed_at TEXT NOT NULL
);
