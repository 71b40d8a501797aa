create table a_shorter_table_name (
  a_shorter_column_name bigint
);
