-- Ended FTP sessions, one row each, written as they end.
CREATE TABLE session_history (
    id           INTEGER PRIMARY KEY,
    session_id   TEXT NOT NULL UNIQUE,
    ftp_login    TEXT NOT NULL DEFAULT '',
    customer     TEXT NOT NULL DEFAULT '',
    remote_ip    TEXT NOT NULL,
    remote_port  INTEGER NOT NULL,
    client       TEXT NOT NULL DEFAULT '',
    tls          INTEGER NOT NULL DEFAULT 0,
    connected_at TEXT NOT NULL,
    logged_in_at TEXT NOT NULL DEFAULT '',
    ended_at     TEXT NOT NULL,
    bytes_up     INTEGER NOT NULL DEFAULT 0,
    bytes_down   INTEGER NOT NULL DEFAULT 0,
    files_up     INTEGER NOT NULL DEFAULT 0,
    files_down   INTEGER NOT NULL DEFAULT 0,
    end_reason   TEXT NOT NULL
);
CREATE INDEX session_history_ended ON session_history(ended_at);
CREATE INDEX session_history_customer ON session_history(customer, ended_at);
