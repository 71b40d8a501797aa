-- fixture: transactional=false
ALTER TABLE "app_user" ADD COLUMN IF NOT EXISTS "billing_email" text;
CREATE INDEX CONCURRENTLY IF NOT EXISTS "billing_email_idx" ON "app_user" ("billing_email");
