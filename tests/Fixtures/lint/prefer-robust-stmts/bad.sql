-- fixture: transactional=false
ALTER TABLE "app_user" ADD COLUMN "billing_email" text;
CREATE INDEX CONCURRENTLY "billing_email_idx" ON "app_user" ("billing_email");
