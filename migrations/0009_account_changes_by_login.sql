-- Every FTP login reads the newest change to its account (AuthenticateFTP's
-- SeenChange); without an index that reads the whole, ever-growing table.
CREATE INDEX ftp_account_changes_by_login ON ftp_account_changes (login);
