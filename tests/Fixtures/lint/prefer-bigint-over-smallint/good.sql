CREATE TABLE posts (
  id bigint primary key
);
