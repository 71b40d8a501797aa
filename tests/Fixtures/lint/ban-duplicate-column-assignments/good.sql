create table t(a text);
create view v (a, b) as select 1, 2;
update t set a = 2;
