ALTER TABLE "app_user" RENAME COLUMN "email" TO "email_address";
