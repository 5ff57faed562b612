-- A signed-in panel browser is a sign-in; "session" means an FTP session only.
-- Renamed in place, so browsers signed in before the upgrade stay signed in.
ALTER TABLE panel_sessions RENAME TO sign_ins;
-- SQLite cannot rename an index: its one index is made again under the new name.
DROP INDEX panel_sessions_user;
CREATE INDEX sign_ins_user ON sign_ins(user_id);
