-- The pause first: the replayed traffic runs beside it before the ALTER takes its lock.
SELECT pg_sleep(2);
ALTER TABLE orders ADD COLUMN IF NOT EXISTS note text;
