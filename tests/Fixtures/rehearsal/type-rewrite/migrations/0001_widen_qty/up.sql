SET LOCAL statement_timeout = '5min';
ALTER TABLE items ALTER COLUMN qty TYPE bigint;
