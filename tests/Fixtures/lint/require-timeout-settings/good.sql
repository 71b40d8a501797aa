-- fixture: lock_timeout=none statement_timeout=none
set lock_timeout = '1s';
set statement_timeout = '5s';
alter table t add column c boolean;
