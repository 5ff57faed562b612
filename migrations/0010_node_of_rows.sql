-- In a fleet on a shared store, each row of history and audit names the node
-- that wrote it: the node that held the session, or whose panel or FTP server
-- acted. Empty for a node alone. The indexes serve the pages' Node filter.
ALTER TABLE session_history ADD COLUMN node TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN node TEXT NOT NULL DEFAULT '';
CREATE INDEX session_history_node ON session_history(node, ended_at);
CREATE INDEX audit_log_node ON audit_log(node, id);
