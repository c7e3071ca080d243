ALTER TABLE apikey DROP COLUMN "rateLimits";
