SELECT NOT EXISTS (
    SELECT 1 FROM customers
    WHERE first_name IS DISTINCT FROM shop_first_name(full_name) OR last_name IS DISTINCT FROM shop_last_name(full_name));
