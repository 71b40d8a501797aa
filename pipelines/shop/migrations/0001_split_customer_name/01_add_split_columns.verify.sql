SELECT count(*) = 2 FROM information_schema.columns
WHERE table_name = 'customers' AND column_name IN ('first_name', 'last_name')
  AND EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'customers_sync_name' AND NOT tgisinternal);
