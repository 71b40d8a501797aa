-- Wrong: the column comes back, its values do not.
ALTER TABLE items ADD COLUMN IF NOT EXISTS qty integer;
