DROP INDEX IF EXISTS "apikey_previousKey_idx";
ALTER TABLE apikey DROP COLUMN IF EXISTS "previousKeyExpiresAt";
ALTER TABLE apikey DROP COLUMN IF EXISTS "previousKey";
