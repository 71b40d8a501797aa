-- One batch: the rows with @lower < id <= @upper. Idempotent, so a batch repeated after a crash changes nothing;
-- rows already right are skipped to spare the write.
UPDATE customers
SET first_name = shop_first_name(full_name),
    last_name = shop_last_name(full_name)
WHERE id > @lower AND id <= @upper
  AND (first_name IS DISTINCT FROM shop_first_name(full_name) OR last_name IS DISTINCT FROM shop_last_name(full_name));
