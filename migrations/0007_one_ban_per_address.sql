-- One ban in force per address. Earlier versions added a row for each repeat ban,
-- so lifting one left the others refusing the address. Of the bans in force on
-- one address, the one lasting longest stays; the others are marked lifted by
-- "ftppanel", folded into it. Times are written as internal/store formats them.
UPDATE bans
SET lifted_by = 'ftppanel', lifted_at = strftime('%Y-%m-%dT%H:%M:%S', 'now') || '.000000000Z'
WHERE lifted_at = ''
  AND until > strftime('%Y-%m-%dT%H:%M:%S', 'now') || '.000000000Z'
  AND EXISTS (
    SELECT 1 FROM bans AS longer
    WHERE longer.ip = bans.ip AND longer.lifted_at = '' AND longer.id <> bans.id
      AND (longer.until > bans.until OR (longer.until = bans.until AND longer.id > bans.id))
  );

-- From now on a second ban in force on an address is refused; the store extends
-- the one in force instead. A new ban is stamped with the time it is made.
CREATE TRIGGER bans_one_in_force BEFORE INSERT ON bans
WHEN EXISTS (
    SELECT 1 FROM bans
    WHERE ip = NEW.ip AND lifted_at = '' AND until > NEW.created_at
)
BEGIN
    SELECT RAISE(ABORT, 'the address has a ban in force');
END;
