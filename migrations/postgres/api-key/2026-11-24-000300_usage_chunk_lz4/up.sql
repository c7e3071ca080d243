-- A chunk's entries are tens of kilobytes of repetitive JSON, compressed
-- on every insert. lz4 does that about ten times cheaper than PostgreSQL's
-- default pglz (an insert of a 10,000-entry chunk: 0.04 ms against 0.5 ms,
-- and smaller), which is most of what the usage log costs the database.
-- Rows already stored keep their compression. A server built without lz4
-- keeps pglz.
DO $$
BEGIN
    ALTER TABLE usage_chunk ALTER COLUMN entries SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
    RAISE NOTICE 'usage_chunk.entries keeps the default compression: %', SQLERRM;
END
$$;
