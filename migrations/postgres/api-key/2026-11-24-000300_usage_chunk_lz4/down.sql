ALTER TABLE usage_chunk ALTER COLUMN entries SET COMPRESSION default;
