ALTER TABLE items ADD COLUMN IF NOT EXISTS word text;

-- Keeps word in step with every write the application makes while the backfill walks the table.
CREATE OR REPLACE FUNCTION items_sync_word() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.word := split_part(NEW.name, ' ', 1) || ':' || coalesce(NEW.qty, -1);
    RETURN NEW;
END
$$;

DROP TRIGGER IF EXISTS items_sync_word ON items;
CREATE TRIGGER items_sync_word BEFORE INSERT OR UPDATE ON items FOR EACH ROW EXECUTE FUNCTION items_sync_word();
