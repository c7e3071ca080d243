-- latchkey's several rate-limit windows per key, beside better-auth's one:
-- a JSON array of {"window": ms, "max": n, "start": epoch ms, "count": n},
-- configuration and fixed-window state together, so verification checks
-- and charges every window in its one UPDATE of this row.
ALTER TABLE apikey ADD COLUMN "rateLimits" TEXT;
