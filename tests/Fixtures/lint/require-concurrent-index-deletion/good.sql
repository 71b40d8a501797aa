-- fixture: kind=contract transactional=false
DROP INDEX CONCURRENTLY IF EXISTS "app"."email_idx";
