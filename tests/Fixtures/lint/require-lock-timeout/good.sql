-- fixture: lock_timeout=none statement_timeout=5s
set lock_timeout = '1s';
alter table t add column c boolean;
