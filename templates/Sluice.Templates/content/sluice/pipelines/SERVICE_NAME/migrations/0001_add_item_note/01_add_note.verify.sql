SELECT count(*) = 1 FROM information_schema.columns WHERE table_name = 'example_items' AND column_name = 'note';
