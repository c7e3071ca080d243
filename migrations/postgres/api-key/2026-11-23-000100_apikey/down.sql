DROP INDEX IF EXISTS apikey_key_unique;
ALTER TABLE apikey DROP COLUMN IF EXISTS "rateLimitWindowStart";
