-- Nothing to undo (wrong: the old names are lost).
SELECT 1;
