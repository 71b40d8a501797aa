-- adds the nickname column
ALTER TABLE customers ADD COLUMN nickname text;

COMMIT;
