ALTER TABLE accounts ALTER COLUMN email DROP NOT NULL;
DROP INDEX IF EXISTS accounts_balance_idx;
ALTER TABLE accounts DROP CONSTRAINT IF EXISTS accounts_balance_check;
DROP TABLE IF EXISTS audit;
