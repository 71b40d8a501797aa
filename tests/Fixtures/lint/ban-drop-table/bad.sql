DROP TABLE "old_audit";
