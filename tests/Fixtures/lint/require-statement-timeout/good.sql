-- fixture: statement_timeout=none
set statement_timeout = '5s';
alter table t add column c boolean;
