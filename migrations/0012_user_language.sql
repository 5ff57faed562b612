-- The language a panel user chose from the switch on every page: a BCP 47 tag
-- such as "de" or "pt-BR"; empty until one is chosen, when the browser's
-- Accept-Language decides.
ALTER TABLE panel_users ADD COLUMN language TEXT NOT NULL DEFAULT '';
