-- latchkey's usage log: one row per request a host route admitted with a
-- key (written in batches by latchkey_api_key::usage::UsageLog).
-- No foreign key to apikey: a batch must not fail because a key was deleted
-- after its request was admitted; such rows are unreachable (usage answers
-- only for keys that exist) and go with the retention sweep.
CREATE TABLE IF NOT EXISTS usage (
    id bigserial PRIMARY KEY,
    "keyId" text NOT NULL,
    method text NOT NULL,
    path text NOT NULL,
    status integer NOT NULL,
    "durationMs" integer NOT NULL,
    "createdAt" timestamp with time zone NOT NULL
);
-- A key's recent usage, newest first.
CREATE INDEX IF NOT EXISTS "usage_keyId_createdAt_idx" ON usage ("keyId", "createdAt");
-- The retention sweep deletes by age.
CREATE INDEX IF NOT EXISTS "usage_createdAt_idx" ON usage ("createdAt");
