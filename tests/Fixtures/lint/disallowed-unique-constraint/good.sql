-- fixture: transactional=false
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS dist_id_uniq ON distributors (dist_id);
ALTER TABLE distributors ADD CONSTRAINT distributors_dist_id_key UNIQUE USING INDEX dist_id_uniq;
