UPDATE customers SET nickname = 'x' WHERE id > @lower AND id <= @upper;
