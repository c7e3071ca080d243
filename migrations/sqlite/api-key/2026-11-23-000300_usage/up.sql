-- latchkey's usage log (see the PostgreSQL migration of the same name).
-- INTEGER PRIMARY KEY is the rowid: ids grow with insertion order.
CREATE TABLE IF NOT EXISTS usage (
    id INTEGER PRIMARY KEY NOT NULL,
    "keyId" TEXT NOT NULL,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    status INTEGER NOT NULL,
    "durationMs" INTEGER NOT NULL,
    "createdAt" TIMESTAMP NOT NULL
);
CREATE INDEX IF NOT EXISTS "usage_keyId_createdAt_idx" ON usage ("keyId", "createdAt");
CREATE INDEX IF NOT EXISTS "usage_createdAt_idx" ON usage ("createdAt");
