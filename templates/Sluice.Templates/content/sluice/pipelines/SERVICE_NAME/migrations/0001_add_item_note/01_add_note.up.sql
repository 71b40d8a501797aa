-- Nullable and without a default: a catalog-only change, no table rewrite.
ALTER TABLE example_items ADD COLUMN IF NOT EXISTS note text;
