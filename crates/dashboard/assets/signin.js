// Sign in and sign up. Passwords go only into the JSON body of a POST;
// the forms are never submitted natively (that could put them in a URL).

import * as api from "./api.js";
import { busy, byId, errorOf, showError } from "./dom.js";

/** Wires both forms; `show(viewId)` switches views, `onSignedIn(user)` follows success. */
export function initSignIn({ show, onSignedIn }) {
  byId("to-signup").addEventListener("click", () => show("view-signup"));
  byId("to-signin").addEventListener("click", () => show("view-signin"));
  wire(byId("signin-form"), (form) => api.signIn(form.get("email"), form.get("password")), onSignedIn);
  wire(byId("signup-form"), (form) => api.signUp(form.get("name"), form.get("email"), form.get("password")), onSignedIn);
}

function wire(form, send, onSignedIn) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const error = errorOf(form);
    showError(error, "");
    let user = null;
    const ok = await busy([...form.querySelectorAll("button")], async () => {
      user = await send(new FormData(form));
    }, (e) => showError(error, e.message));
    if (ok) {
      form.reset();
      onSignedIn(user);
    }
  });
}

/** Shows a message (the session ended, say) above the sign-in button. */
export function signInMessage(message) {
  showError(errorOf(byId("signin-form")), message);
}
