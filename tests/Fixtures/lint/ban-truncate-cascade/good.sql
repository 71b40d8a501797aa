-- fixture: irreversible=true
truncate a, b;
