create table app.users
(
    created_ts   timestamptz,
    modified_ts  timestamptz
);
