CREATE INDEX IF NOT EXISTS items_name_idx ON items (name);
