-- Nullable columns without defaults: a catalog-only change, no table rewrite.
ALTER TABLE customers ADD COLUMN IF NOT EXISTS first_name text, ADD COLUMN IF NOT EXISTS last_name text;

-- One definition of the split, shared by the trigger (new writes) and the backfill (existing rows).
CREATE OR REPLACE FUNCTION shop_first_name(full_name text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN split_part(full_name, ' ', 1);

CREATE OR REPLACE FUNCTION shop_last_name(full_name text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE WHEN strpos(full_name, ' ') > 0 THEN substr(full_name, strpos(full_name, ' ') + 1) END;

-- Keeps the new columns in step with full_name for every insert and update the application makes, and fills
-- full_name from them when newer code writes only first/last (so rolling the switch back loses nothing).
CREATE OR REPLACE FUNCTION shop_customers_sync_name() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' OR NEW.full_name IS DISTINCT FROM OLD.full_name THEN
        IF NEW.full_name IS NULL AND NEW.first_name IS NOT NULL THEN
            NEW.full_name := concat_ws(' ', NEW.first_name, NEW.last_name);
        ELSE
            NEW.first_name := shop_first_name(NEW.full_name);
            NEW.last_name := shop_last_name(NEW.full_name);
        END IF;
    ELSIF NEW.first_name IS DISTINCT FROM OLD.first_name OR NEW.last_name IS DISTINCT FROM OLD.last_name THEN
        NEW.full_name := concat_ws(' ', NEW.first_name, NEW.last_name);
    END IF;
    RETURN NEW;
END
$$;

DROP TRIGGER IF EXISTS customers_sync_name ON customers;
-- Only on the columns it maps: an update of any other column (an email, a timestamp) pays nothing for it.
CREATE TRIGGER customers_sync_name BEFORE INSERT OR UPDATE OF full_name, first_name, last_name ON customers
    FOR EACH ROW EXECUTE FUNCTION shop_customers_sync_name();
