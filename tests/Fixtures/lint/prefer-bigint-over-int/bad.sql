CREATE TABLE posts (
  id int primary key
);
