-- Per-account transfer limits in bytes per second, download and upload apart;
-- 0 is no limit. Running sessions learn of a change through ftp_account_changes.
ALTER TABLE ftp_accounts ADD COLUMN download_limit INTEGER NOT NULL DEFAULT 0;
ALTER TABLE ftp_accounts ADD COLUMN upload_limit INTEGER NOT NULL DEFAULT 0;
