UPDATE items SET name = upper(name) WHERE name <> upper(name);
