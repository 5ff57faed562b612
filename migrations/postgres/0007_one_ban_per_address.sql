-- PostgreSQL's form of ../0007_one_ban_per_address.sql. A PostgreSQL store starts
-- empty at this version, so there are no repeat bans to fold: only the rule stays.
-- A second ban in force on an address is refused; the store extends the one in
-- force instead.
CREATE FUNCTION bans_one_in_force() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM bans
        WHERE ip = NEW.ip AND lifted_at = '' AND until > NEW.created_at
    ) THEN
        RAISE EXCEPTION 'the address has a ban in force';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER bans_one_in_force BEFORE INSERT ON bans
FOR EACH ROW EXECUTE FUNCTION bans_one_in_force();
