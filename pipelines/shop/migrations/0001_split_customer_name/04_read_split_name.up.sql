-- The read path of the new code; the flag customers.read_split_name turns on in this same transaction.
CREATE OR REPLACE VIEW customer_names AS
SELECT id, first_name, last_name FROM customers;
