-- fixture: enable=unqualified-name
create table public.posts(id bigint);
