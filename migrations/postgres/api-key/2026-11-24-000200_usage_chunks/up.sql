-- The usage log, stored in chunks: one row per key per flush of the
-- log's buffer, holding every request of that key the flush wrote.
-- Storing a row (and two index entries) per request cost the database
-- more than the verify it logged; a chunk costs that once per key and
-- flush. The requests stay individually recorded, in `entries`, as JSON
-- text (not `json`: PostgreSQL would parse every chunk on insert):
--   {"routes": [[method, path], ...],
--    "entries": [[nanoseconds after the live entry before, route index, status, durationMs], ...]}
-- (the first entry's time counts from "firstAt").
-- An entry the retention sweep removed from a chunk it kept is `null`, so
-- the others keep their place (an entry's id is the chunk id * 65536 plus
-- its place). "calls", "successes" (status below 400) and "durationMs"
-- (the sum) are the chunk's live entries, for the statistics.
-- No foreign key to apikey, as before: a flush must not fail because a key
-- was deleted after its request was admitted.
CREATE TABLE IF NOT EXISTS usage_chunk (
    id bigserial PRIMARY KEY,
    "keyId" text NOT NULL,
    "firstAt" timestamp with time zone NOT NULL,
    "lastAt" timestamp with time zone NOT NULL,
    calls integer NOT NULL,
    successes integer NOT NULL,
    "durationMs" bigint NOT NULL,
    entries text NOT NULL
);
-- A key's recent usage, newest first.
CREATE INDEX IF NOT EXISTS "usage_chunk_keyId_lastAt_idx" ON usage_chunk ("keyId", "lastAt");
-- The retention sweep: chunks that began before the cutoff (once the
-- sweep ran, only those that straddle it).
CREATE INDEX IF NOT EXISTS "usage_chunk_firstAt_idx" ON usage_chunk ("firstAt");

-- Rows of the one-row-per-request table become one-entry chunks, in order.
INSERT INTO usage_chunk ("keyId", "firstAt", "lastAt", calls, successes, "durationMs", entries)
SELECT "keyId", "createdAt", "createdAt", 1, CASE WHEN status < 400 THEN 1 ELSE 0 END, "durationMs",
       json_build_object(
           'routes', json_build_array(json_build_array(method, path)),
           'entries', json_build_array(json_build_array(0, 0, status, "durationMs"))
       )::text
FROM usage ORDER BY id;
DROP TABLE usage;
