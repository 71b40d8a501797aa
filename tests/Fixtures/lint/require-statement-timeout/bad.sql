-- fixture: statement_timeout=none
alter table t add column c boolean;
