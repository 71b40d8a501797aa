ALTER TABLE "user_email" ALTER COLUMN "email" TYPE text;
