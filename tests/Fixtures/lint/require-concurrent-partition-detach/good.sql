-- fixture: transactional=false
ALTER TABLE t DETACH PARTITION p CONCURRENTLY;
