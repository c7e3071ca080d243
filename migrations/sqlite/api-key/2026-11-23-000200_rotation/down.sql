DROP INDEX IF EXISTS "apikey_previousKey_idx";
ALTER TABLE apikey DROP COLUMN "previousKeyExpiresAt";
ALTER TABLE apikey DROP COLUMN "previousKey";
