-- Wrong: every row gets its name of the moment the up ran, so a name written since is lost.
UPDATE items i SET name = b.name FROM items_names_before b WHERE b.id = i.id AND i.name IS DISTINCT FROM b.name;
DROP TABLE IF EXISTS items_names_before;
