-- better-auth 1.7 jwt plugin table: signing keys as JWKs. `privateKey` is
-- encrypted with the server secret (XChaCha20-Poly1305, as better-auth does);
-- `expiresAt` is when a key stops signing (rotation), not when it leaves the
-- JWK set: it is still published for a grace period after that.
CREATE TABLE IF NOT EXISTS jwks (
    id TEXT PRIMARY KEY NOT NULL,
    "publicKey" TEXT NOT NULL,
    "privateKey" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ NOT NULL,
    "expiresAt" TIMESTAMPTZ,
    alg TEXT,
    crv TEXT
);
