// End to end through openapi-fetch with the openapi-typescript types of
// openapi.yaml, against a running latchkey (--api-key-metadata
// --api-key-sessions --server-secret ...). Type-checked by tsc first, so a
// drift between the document and this use of it fails to compile.
import createClient from "openapi-fetch";
import type { components, paths } from "./schema.js";

declare const process: { env: Record<string, string | undefined>; exit(code: number): never };

type ApiKey = components["schemas"]["ApiKey"];
type ErrorBody = components["schemas"]["Error"];

const url = process.env.LATCHKEY_URL ?? "http://127.0.0.1:3000";
const secret = process.env.LATCHKEY_SERVER_SECRET ?? "";
let steps = 0;

function check(condition: unknown, what: string): asserts condition {
  if (!condition) {
    console.error(`typescript client: FAILED: ${what}`);
    process.exit(1);
  }
  steps += 1;
}

const anonymous = createClient<paths>({ baseUrl: url });

// Sign up; the bearer token is the set-auth-token header.
const email = `ts-${Math.random().toString(36).slice(2, 12)}@example.com`;
const signUp = await anonymous.POST("/api/auth/sign-up/email", {
  body: { name: "TS Client", email, password: "correct-horse-42" },
});
check(signUp.response.status === 200 && signUp.data, `sign-up answered ${signUp.response.status}`);
check(signUp.data.user.email === email, "sign-up: user");
const bearer = signUp.response.headers.get("set-auth-token");
check(bearer, "sign-up: set-auth-token");
const userId = signUp.data.user.id;

const client = createClient<paths>({ baseUrl: url, headers: { authorization: `Bearer ${bearer}` } });
const server = createClient<paths>({
  baseUrl: url,
  headers: { authorization: `Bearer ${bearer}`, "x-latchkey-server-secret": secret },
});

const session = await client.GET("/api/auth/get-session");
check(session.data && session.data.user.id === userId, "get-session with the bearer");

// Create with metadata and permissions (permissions are server-only).
const created = await server.POST("/api/auth/api-key/create", {
  body: { name: "ts-e2e", prefix: "ts_", metadata: { team: "web" }, permissions: { files: ["read"] } },
});
check(created.data, `create answered ${created.response.status}`);
const key = created.data;
check(key.key.startsWith("ts_") && key.start === key.key.slice(0, 6), "create: key and start");
check(JSON.stringify(key.metadata) === '{"team":"web"}', "create: metadata");
check(JSON.stringify(key.permissions) === '{"files":["read"]}', "create: permissions");
check(key.referenceId === userId && key.userId === userId, "create: owner");

// A client may not set server-only fields: the typed error.
const refused = await client.POST("/api/auth/api-key/create", { body: { remaining: 5 } });
check(refused.response.status === 400 && refused.error, "client remaining: 400");
const refusal: ErrorBody = refused.error;
check(refusal.code === "SERVER_ONLY_PROPERTY", `client remaining: ${refusal.code}`);

// List and get: never the secret.
const listed = await client.GET("/api/auth/api-key/list", {
  params: { query: { limit: 10, offset: 0, sortBy: "createdAt", sortDirection: "desc" } },
});
check(listed.data, `list answered ${listed.response.status}`);
check(listed.data.total === 1 && listed.data.limit === 10 && listed.data.offset === 0, "list: paging");
const first: ApiKey | undefined = listed.data.apiKeys[0];
check(first && first.id === key.id && !("key" in first), "list: the key, no secret");
const got = await client.GET("/api/auth/api-key/get", { params: { query: { id: key.id } } });
check(got.data && got.data.name === "ts-e2e", "get");

// The wrong id: 404 KEY_NOT_FOUND through the typed error.
const missing = await client.GET("/api/auth/api-key/get", { params: { query: { id: "no-such-key" } } });
check(missing.response.status === 404 && missing.error?.code === "KEY_NOT_FOUND", "wrong id: 404 KEY_NOT_FOUND");

// Update.
const updated = await client.POST("/api/auth/api-key/update", { body: { keyId: key.id, name: "renamed" } });
check(updated.data && updated.data.name === "renamed", "update");

// Use the key: as a session on a protected route, and exchanged for a JWT.
const asKey = createClient<paths>({ baseUrl: url, headers: { "x-api-key": key.key } });
const keySession = await asKey.GET("/api/auth/get-session");
check(keySession.data && keySession.data.user.id === userId, "x-api-key session");
check(keySession.data.session.token === "", "a key session never echoes the key");
const jwt = await asKey.POST("/api/auth/api-key/token");
check(jwt.data && jwt.data.token.split(".").length === 3, `api-key/token answered ${jwt.response.status}`);

// Delete; then it is gone.
const deleted = await client.POST("/api/auth/api-key/delete", { body: { keyId: key.id } });
check(deleted.data?.success === true, "delete");
const gone = await client.GET("/api/auth/api-key/get", { params: { query: { id: key.id } } });
check(gone.response.status === 404 && gone.error?.code === "KEY_NOT_FOUND", "deleted key: 404");

// A trusted server: a budget with a refill; remaining falls on each use.
const budget = await server.POST("/api/auth/api-key/create", {
  body: { name: "budget", remaining: 3, refillAmount: 3, refillInterval: 3_600_000 },
});
check(budget.data && budget.data.remaining === 3, "server create with remaining");
for (const expected of [2, 1, 0]) {
  const verdict = await server.POST("/api/auth/api-key/verify", { body: { key: budget.data.key } });
  check(verdict.data?.valid && verdict.data.key?.remaining === expected, `remaining should be ${expected}`);
}
const spent = await server.POST("/api/auth/api-key/verify", { body: { key: budget.data.key } });
check(spent.data && !spent.data.valid && spent.data.error?.code === "USAGE_EXCEEDED", "spent key refused");

console.log(`typescript client: ${steps} passed, 0 failed`);
