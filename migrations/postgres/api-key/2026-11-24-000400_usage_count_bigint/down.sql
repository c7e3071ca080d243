ALTER TABLE apikey ALTER COLUMN "usageCount" TYPE integer;
