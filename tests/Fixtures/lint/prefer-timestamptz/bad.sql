create table app.users
(
    created_ts   timestamp,
    modified_ts  timestamp without time zone
);
