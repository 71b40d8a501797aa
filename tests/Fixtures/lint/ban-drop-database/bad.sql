-- fixture: cluster_statements=true
DROP DATABASE "old_reports";
