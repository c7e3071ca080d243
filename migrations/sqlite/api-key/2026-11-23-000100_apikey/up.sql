-- better-auth 1.7 api-key plugin table (SQLite types).
CREATE TABLE IF NOT EXISTS apikey (
    id TEXT PRIMARY KEY NOT NULL,
    "configId" TEXT NOT NULL,
    name TEXT,
    start TEXT,
    "referenceId" TEXT NOT NULL,
    prefix TEXT,
    key TEXT NOT NULL,
    "refillInterval" INTEGER,
    "refillAmount" INTEGER,
    "lastRefillAt" TIMESTAMP,
    enabled BOOLEAN,
    "rateLimitEnabled" BOOLEAN,
    "rateLimitTimeWindow" INTEGER,
    "rateLimitMax" INTEGER,
    "requestCount" INTEGER,
    remaining INTEGER,
    "lastRequest" TIMESTAMP,
    "expiresAt" TIMESTAMP,
    "createdAt" TIMESTAMP NOT NULL,
    "updatedAt" TIMESTAMP NOT NULL,
    permissions TEXT,
    metadata TEXT,
    -- latchkey's own: the start of the current fixed rate-limit window.
    "rateLimitWindowStart" TIMESTAMP
);
CREATE INDEX IF NOT EXISTS "apikey_configId_idx" ON apikey ("configId");
CREATE UNIQUE INDEX IF NOT EXISTS apikey_key_unique ON apikey (key);
CREATE INDEX IF NOT EXISTS "apikey_referenceId_idx" ON apikey ("referenceId");
