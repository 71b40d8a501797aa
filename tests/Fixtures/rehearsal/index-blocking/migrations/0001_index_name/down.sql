DROP INDEX IF EXISTS items_name_idx;
