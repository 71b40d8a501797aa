CREATE TABLE IF NOT EXISTS items_names_before AS SELECT id, name FROM items;
UPDATE items SET name = upper(name) WHERE name <> upper(name);
