-- codes are all distinct in production, though no constraint says so yet: the plan adds the key.
CREATE TABLE tags (
    code  integer NOT NULL,
    label text
);
INSERT INTO tags (code, label) SELECT g, 'tag ' || (g % 40) FROM generate_series(1, 20000) AS g;
