-- Back to one row per request (every live entry of every chunk, in order;
-- times to the millisecond, as SQLite's date functions keep them).
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
INSERT INTO usage ("keyId", method, path, status, "durationMs", "createdAt")
SELECT c."keyId",
       json_extract(c.entries, '$.routes[' || json_extract(e.value, '$[1]') || '][0]'),
       json_extract(c.entries, '$.routes[' || json_extract(e.value, '$[1]') || '][1]'),
       json_extract(e.value, '$[2]'),
       json_extract(e.value, '$[3]'),
       strftime('%Y-%m-%d %H:%M:%f', c."firstAt",
                printf('%+.3f seconds',
                       SUM(json_extract(e.value, '$[0]')) OVER (PARTITION BY c.id ORDER BY e.key) / 1e9))
FROM usage_chunk c, json_each(c.entries, '$.entries') e
WHERE e.type = 'array'
ORDER BY c.id, e.key;
DROP TABLE usage_chunk;
