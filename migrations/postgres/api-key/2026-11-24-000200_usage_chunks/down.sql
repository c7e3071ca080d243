-- Back to one row per request (every live entry of every chunk, in order).
CREATE TABLE IF NOT EXISTS usage (
    id bigserial PRIMARY KEY,
    "keyId" text NOT NULL,
    method text NOT NULL,
    path text NOT NULL,
    status integer NOT NULL,
    "durationMs" integer NOT NULL,
    "createdAt" timestamp with time zone NOT NULL
);
CREATE INDEX IF NOT EXISTS "usage_keyId_createdAt_idx" ON usage ("keyId", "createdAt");
CREATE INDEX IF NOT EXISTS "usage_createdAt_idx" ON usage ("createdAt");
INSERT INTO usage ("keyId", method, path, status, "durationMs", "createdAt")
SELECT c."keyId",
       (c.entries::json -> 'routes' -> ((e.entry ->> 1)::int)) ->> 0,
       (c.entries::json -> 'routes' -> ((e.entry ->> 1)::int)) ->> 1,
       (e.entry ->> 2)::int,
       (e.entry ->> 3)::int,
       c."firstAt" + (SUM((e.entry ->> 0)::bigint) OVER (PARTITION BY c.id ORDER BY e.n) / 1000)
                     * interval '1 microsecond'
FROM usage_chunk c,
     json_array_elements(c.entries::json -> 'entries') WITH ORDINALITY AS e(entry, n)
WHERE json_typeof(e.entry) = 'array'
ORDER BY c.id, e.n;
DROP TABLE usage_chunk;
