-- fixture: enable=unqualified-name
create table posts(id bigint);
