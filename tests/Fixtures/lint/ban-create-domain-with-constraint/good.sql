CREATE DOMAIN app_email AS text;
