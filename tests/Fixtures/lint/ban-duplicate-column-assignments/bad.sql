create table t(a int, a text);
create view v (a, a) as select 1, 2;
update t set a = 1, a = 2;
