-- fixture: lock_timeout=none statement_timeout=5s
alter table t add column c boolean;
