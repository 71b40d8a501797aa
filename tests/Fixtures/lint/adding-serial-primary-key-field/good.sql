-- fixture: transactional=false
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS account_pk_idx ON account (id);
ALTER TABLE account ADD CONSTRAINT account_pk PRIMARY KEY USING INDEX account_pk_idx;
