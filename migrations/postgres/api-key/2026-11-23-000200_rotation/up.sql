-- latchkey's rotation that keeps the id: the hash of the secret a rotation
-- replaced, and until when it still verifies (the grace period).
ALTER TABLE apikey ADD COLUMN IF NOT EXISTS "previousKey" text;
ALTER TABLE apikey ADD COLUMN IF NOT EXISTS "previousKeyExpiresAt" timestamp with time zone;
-- Only rotated keys are indexed: verification looks a presented hash up
-- by "key" or by "previousKey" in its one statement.
CREATE INDEX IF NOT EXISTS "apikey_previousKey_idx" ON apikey ("previousKey")
    WHERE "previousKey" IS NOT NULL;
