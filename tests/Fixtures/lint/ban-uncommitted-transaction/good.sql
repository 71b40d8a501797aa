-- fixture: transactional=false
begin;
create table if not exists users (id bigint);
commit;
