ALTER TABLE "recipe" ADD CONSTRAINT view_count_not_null
    CHECK ("view_count" IS NOT NULL) NOT VALID;
-- Backfill column so it's not null
ALTER TABLE "recipe" VALIDATE CONSTRAINT view_count_not_null;
ALTER TABLE "recipe" ALTER COLUMN "view_count" SET NOT NULL;
