-- forgot the COMMIT
BEGIN;
ALTER TABLE customers ADD COLUMN IF NOT EXISTS nickname text;
