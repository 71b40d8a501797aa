ALTER TABLE "user_email" ALTER COLUMN "user_id" TYPE bigint;
