ALTER TABLE customers ADD COLUMN nickname text;

/* the old copy */
DROP DATABASE IF EXISTS shop_old;
