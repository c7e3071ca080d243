-- latchkey's own lifetime count of admitted verifies, beside better-auth's
-- "requestCount" (which counts only within a rate-limit window, and only
-- for rate-limited keys). Never decides admission; the usage statistics
-- read it.
ALTER TABLE apikey ADD COLUMN IF NOT EXISTS "usageCount" integer NOT NULL DEFAULT 0;
