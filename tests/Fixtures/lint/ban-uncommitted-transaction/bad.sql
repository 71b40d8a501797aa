-- fixture: transactional=false
begin;
create table users (id bigint);
