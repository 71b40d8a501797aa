create table app.users
(
    id  bigserial
);
