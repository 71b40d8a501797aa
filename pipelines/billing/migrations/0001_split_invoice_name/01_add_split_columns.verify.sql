SELECT count(*) = 0 FROM invoices WHERE customer_first_name IS NULL;
