-- Non-transactional, so it must be safe to run again after dying half way. A CREATE INDEX CONCURRENTLY that was
-- interrupted leaves an INVALID index that IF NOT EXISTS would happily keep: drop such a leftover first (dropping an
-- invalid index is quick; lock_timeout bounds the brief exclusive lock).
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
               WHERE c.relname = 'customers_last_name_idx' AND NOT i.indisvalid) THEN
        DROP INDEX customers_last_name_idx;
    END IF;
END
$$;

CREATE INDEX CONCURRENTLY IF NOT EXISTS customers_last_name_idx ON customers (last_name);
