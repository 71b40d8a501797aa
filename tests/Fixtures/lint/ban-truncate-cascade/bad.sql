-- fixture: irreversible=true
truncate a cascade;
