-- "usageCount" counts a key's admissions over its whole life: a key
-- admitted 1,000 times a second passes 2^31 in 25 days, and an integer
-- column then refuses the verify's UPDATE (and the flush of plain keys'
-- counts) with "integer out of range". SQLite's INTEGER is 64-bit already.
ALTER TABLE apikey ALTER COLUMN "usageCount" TYPE bigint;
