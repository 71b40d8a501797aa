vacuum full t;
cluster t using t_pkey;
