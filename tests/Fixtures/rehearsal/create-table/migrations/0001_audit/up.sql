CREATE TABLE IF NOT EXISTS audit (id bigint PRIMARY KEY, item_id bigint NOT NULL, note text);
CREATE INDEX IF NOT EXISTS audit_item_idx ON audit (item_id);
