-- better-auth 1.7 api-key plugin table, as its migrations create it
-- (IF NOT EXISTS: a better-auth database migrates in place).
CREATE TABLE IF NOT EXISTS apikey (
    id text PRIMARY KEY,
    "configId" text NOT NULL,
    name text,
    start text,
    "referenceId" text NOT NULL,
    prefix text,
    key text NOT NULL,
    "refillInterval" integer,
    "refillAmount" integer,
    "lastRefillAt" timestamp with time zone,
    enabled boolean,
    "rateLimitEnabled" boolean,
    "rateLimitTimeWindow" integer,
    "rateLimitMax" integer,
    "requestCount" integer,
    remaining integer,
    "lastRequest" timestamp with time zone,
    "expiresAt" timestamp with time zone,
    "createdAt" timestamp with time zone NOT NULL,
    "updatedAt" timestamp with time zone NOT NULL,
    permissions text,
    metadata text
);
CREATE INDEX IF NOT EXISTS "apikey_configId_idx" ON apikey ("configId");
CREATE INDEX IF NOT EXISTS apikey_key_idx ON apikey (key);
CREATE INDEX IF NOT EXISTS "apikey_referenceId_idx" ON apikey ("referenceId");

-- latchkey's own additions, beside better-auth's columns:
-- a key hash names one key (verification relies on it);
CREATE UNIQUE INDEX IF NOT EXISTS apikey_key_unique ON apikey (key);
-- the start of the current fixed rate-limit window (better-auth's slides).
ALTER TABLE apikey ADD COLUMN IF NOT EXISTS "rateLimitWindowStart" timestamp with time zone;
