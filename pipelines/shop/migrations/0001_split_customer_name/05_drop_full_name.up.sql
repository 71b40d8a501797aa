-- The old shape goes: nothing reads full_name once the flag is on everywhere. The sync function stays, inert without
-- its trigger, so this phase's down can attach it again; it belongs to the expand phase, whose down removes it.
DROP TRIGGER IF EXISTS customers_sync_name ON customers;
ALTER TABLE customers DROP COLUMN IF EXISTS full_name;
