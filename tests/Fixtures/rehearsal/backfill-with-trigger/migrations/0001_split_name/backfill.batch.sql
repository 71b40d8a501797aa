UPDATE items SET word = split_part(name, ' ', 1) || ':' || coalesce(qty, -1)
WHERE id > @lower AND id <= @upper AND word IS DISTINCT FROM split_part(name, ' ', 1) || ':' || coalesce(qty, -1);
