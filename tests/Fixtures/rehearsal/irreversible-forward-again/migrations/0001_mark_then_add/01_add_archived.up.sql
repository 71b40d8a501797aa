ALTER TABLE items ADD COLUMN IF NOT EXISTS archived_at timestamptz;
