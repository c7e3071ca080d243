-- The usage log, stored in chunks (see the PostgreSQL migration of the
-- same name for the layout). AUTOINCREMENT: a chunk id is never reused,
-- so entry ids (chunk id * 65536 plus place) are not either.
CREATE TABLE IF NOT EXISTS usage_chunk (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "keyId" TEXT NOT NULL,
    "firstAt" TIMESTAMP NOT NULL,
    "lastAt" TIMESTAMP NOT NULL,
    calls INTEGER NOT NULL,
    successes INTEGER NOT NULL,
    "durationMs" BIGINT NOT NULL,
    entries TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS "usage_chunk_keyId_lastAt_idx" ON usage_chunk ("keyId", "lastAt");
CREATE INDEX IF NOT EXISTS "usage_chunk_firstAt_idx" ON usage_chunk ("firstAt");

INSERT INTO usage_chunk ("keyId", "firstAt", "lastAt", calls, successes, "durationMs", entries)
SELECT "keyId", "createdAt", "createdAt", 1, CASE WHEN status < 400 THEN 1 ELSE 0 END, "durationMs",
       json_object(
           'routes', json_array(json_array(method, path)),
           'entries', json_array(json_array(0, 0, status, "durationMs"))
       )
FROM usage ORDER BY id;
DROP TABLE usage;
