ALTER TABLE "app_user" DROP COLUMN "legacy_flag";
