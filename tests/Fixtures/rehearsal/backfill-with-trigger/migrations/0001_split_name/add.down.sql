DROP TRIGGER IF EXISTS items_sync_word ON items;
DROP FUNCTION IF EXISTS items_sync_word();
ALTER TABLE items DROP COLUMN IF EXISTS word;
