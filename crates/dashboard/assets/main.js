// The dashboard's entry point: which view shows, and the session's life
// (restore from this tab, sign in, sign out, or the server ending it).

import * as api from "./api.js";
import { closeAll, initDialogs } from "./dialogs.js";
import { announce, busy, byId } from "./dom.js";
import { clearKeys, initKeys, showKeys } from "./keys.js";
import * as session from "./session.js";
import { initSignIn, signInMessage } from "./signin.js";
import { clearUsage, initUsage, showUsage } from "./usage.js";

const VIEWS = ["view-signin", "view-signup", "view-keys", "view-usage"];

/** Shows one view and moves the keyboard focus to its heading. */
function show(view) {
  byId("loading").hidden = true;
  for (const id of VIEWS) byId(id).hidden = id !== view;
  byId(view).querySelector("h1")?.focus();
}

function signedIn(user) {
  byId("account-email").textContent = user?.email ?? "";
  byId("account").hidden = false;
  show("view-keys");
  showKeys({ firstPage: true });
}

/** Back to the sign-in form, with no key data left in the page. */
function signedOut(message) {
  closeAll();
  byId("account").hidden = true;
  byId("account-email").textContent = "";
  clearKeys();
  clearUsage();
  show("view-signin");
  if (message) signInMessage(message);
}

async function signOut() {
  await busy([byId("sign-out")], async () => {
    await api.signOut();
    signedOut();
    announce("You have signed out.");
  }, (e) => {
    // The token is forgotten here anyway; say what the server missed.
    signedOut();
    announce(`Signed out of this page, but the server could not be told: ${e.message}`);
  });
}

async function start() {
  initDialogs();
  initSignIn({ show, onSignedIn: signedIn });
  initKeys({
    onUsage: (key) => {
      show("view-usage");
      showUsage(key);
    },
  });
  initUsage({
    onBack: () => {
      show("view-keys");
      showKeys();
    },
  });
  api.whenSessionEnds(signedOut);
  byId("sign-out").addEventListener("click", signOut);

  if (!session.current()) {
    show("view-signin");
    return;
  }
  try {
    const user = await api.currentUser();
    if (user) signedIn(user);
    else signedOut("Your session has ended. Please sign in again.");
  } catch (e) {
    show("view-signin");
    signInMessage(`Could not check your session: ${e.message}`);
  }
}

start();
