-- fixture: kind=contract
DROP INDEX "app"."email_idx";
