// better-auth's own client (better-auth/client + the api-key client plugin,
// versions as the reference harness) against a running latchkey, unchanged:
// sign up, sign in, getSession with the bearer, apiKey.create/get/list/
// update/delete, errors read from {data, error}. Every call is asserted.
import { createAuthClient } from "better-auth/client";
import { apiKeyClient } from "@better-auth/api-key/client";

const url = process.env.LATCHKEY_URL ?? "http://127.0.0.1:3000";
let steps = 0;
function check(condition, what) {
  if (!condition) {
    console.error(`better-auth client: FAILED: ${what}`);
    process.exit(1);
  }
  steps += 1;
}

// The bearer plugin's documented client setup: keep set-auth-token, send it back.
let token = "";
const client = createAuthClient({
  baseURL: url,
  plugins: [apiKeyClient()],
  fetchOptions: {
    auth: { type: "Bearer", token: () => token },
    onSuccess(ctx) {
      const fresh = ctx.response.headers.get("set-auth-token");
      if (fresh) token = fresh;
    },
  },
});

const email = `ba-${Math.random().toString(36).slice(2, 12)}@example.com`;
const password = "correct-horse-42";

const signUp = await client.signUp.email({ email, password, name: "BA Client" });
check(!signUp.error && signUp.data?.user?.email === email, `signUp.email: ${JSON.stringify(signUp.error)}`);
check(token.includes("."), "signUp.email: set-auth-token kept");
const userId = signUp.data.user.id;

const duplicate = await client.signUp.email({ email, password, name: "again" });
check(duplicate.data === null && duplicate.error?.status === 422, "signUp.email twice: 422");
check(duplicate.error.code === "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL", `duplicate code ${duplicate.error.code}`);

token = "";
const signIn = await client.signIn.email({ email, password });
check(!signIn.error && signIn.data?.user?.id === userId, `signIn.email: ${JSON.stringify(signIn.error)}`);
check(token, "signIn.email: set-auth-token");

const wrong = await client.signIn.email({ email, password: "wrong-password-1" });
check(wrong.error?.status === 401 && wrong.error.code === "INVALID_EMAIL_OR_PASSWORD", "wrong password: 401");

const session = await client.getSession();
check(!session.error && session.data?.user?.id === userId, `getSession: ${JSON.stringify(session.error)}`);

const created = await client.apiKey.create({ name: "ba-e2e", prefix: "ba_", metadata: { via: "better-auth" } });
check(!created.error && created.data?.key?.startsWith("ba_"), `apiKey.create: ${JSON.stringify(created.error)}`);
check(created.data.metadata?.via === "better-auth", "apiKey.create: metadata");
check(created.data.referenceId === userId, "apiKey.create: referenceId");
const keyId = created.data.id;

const serverOnly = await client.apiKey.create({ remaining: 10 });
check(serverOnly.error?.status === 400 && serverOnly.error.code === "SERVER_ONLY_PROPERTY", "client remaining: 400");

const got = await client.apiKey.get({ query: { id: keyId } });
check(!got.error && got.data?.name === "ba-e2e" && !("key" in got.data), `apiKey.get: ${JSON.stringify(got.error)}`);

const missing = await client.apiKey.get({ query: { id: "no-such-key" } });
check(missing.data === null && missing.error?.status === 404, "apiKey.get wrong id: 404");
check(missing.error.code === "KEY_NOT_FOUND", `wrong id code ${missing.error.code}`);

const listed = await client.apiKey.list();
check(!listed.error && listed.data?.total === 1, `apiKey.list: ${JSON.stringify(listed.error ?? listed.data)}`);
check(listed.data.apiKeys[0]?.id === keyId, "apiKey.list: the key");

const updated = await client.apiKey.update({ keyId, name: "renamed", enabled: false });
check(!updated.error && updated.data?.name === "renamed" && updated.data.enabled === false, "apiKey.update");

const noValues = await client.apiKey.update({ keyId });
check(noValues.error?.status === 400 && noValues.error.code === "NO_VALUES_TO_UPDATE", "apiKey.update nothing: 400");

const deleted = await client.apiKey.delete({ keyId });
check(!deleted.error && deleted.data?.success === true, `apiKey.delete: ${JSON.stringify(deleted.error)}`);
const again = await client.apiKey.delete({ keyId });
check(again.error?.status === 404 && again.error.code === "KEY_NOT_FOUND", "apiKey.delete twice: 404");

const signOut = await client.signOut();
check(!signOut.error && signOut.data?.success === true, `signOut: ${JSON.stringify(signOut.error)}`);
const after = await client.getSession();
check(!after.error && after.data === null, "getSession after signOut: null");

console.log(`better-auth client: ${steps} passed, 0 failed`);
