// Verifies latchkey JWTs with jose, using only each case's JWK set.
// Usage: node verify.mjs cases.json
// cases: [{name, token, jwks, issuer, audience, expect: "valid" | "invalid"}]
// Prints one line per case; exits 1 if any case disagrees with `expect`.
import { readFileSync } from "node:fs";
import { createLocalJWKSet, jwtVerify } from "jose";

const cases = JSON.parse(readFileSync(process.argv[2], "utf8"));
let failures = 0;
for (const c of cases) {
  let outcome;
  try {
    const { payload, protectedHeader } = await jwtVerify(
      c.token,
      createLocalJWKSet(c.jwks),
      { issuer: c.issuer, audience: c.audience },
    );
    outcome = `valid alg=${protectedHeader.alg} sub=${payload.sub}`;
  } catch (e) {
    outcome = `invalid ${e.code ?? e.name}`;
  }
  const ok = outcome.startsWith(c.expect);
  if (!ok) failures++;
  console.log(`${ok ? "ok  " : "FAIL"} ${c.name}: ${outcome}`);
}
process.exit(failures ? 1 : 0);
