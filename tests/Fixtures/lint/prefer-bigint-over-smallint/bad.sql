CREATE TABLE posts (
  id smallint primary key
);
