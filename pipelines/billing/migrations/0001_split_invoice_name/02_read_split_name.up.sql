-- The read path of billing's new code; the flag invoices.read_split_name turns on in this same transaction.
CREATE OR REPLACE VIEW invoice_names AS
SELECT id, customer_first_name, customer_last_name FROM invoices;
