ALTER TABLE apikey DROP COLUMN "usageCount";
