DROP INDEX CONCURRENTLY IF EXISTS customers_last_name_idx;
