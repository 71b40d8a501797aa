-- fixture: transactional=false
REINDEX TABLE CONCURRENTLY foo;
REINDEX INDEX CONCURRENTLY foo_idx;
