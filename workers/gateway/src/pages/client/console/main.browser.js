/**
 * @module
 * The console's entry: sign in (the token is checked with a read of the admin API before the
 * sections show), the menu, and each section loaded when it is opened. Runs in the browser.
 */
import { api, forgetToken, savedToken, saveToken } from "./api.browser.js";
import { showChains } from "./chains.browser.js";
import { say } from "./dom.browser.js";
import { showAudit, showCompliance, showJobs } from "./ops.browser.js";
import { showTenants } from "./tenants.browser.js";
import { showUsage } from "./usage.browser.js";

/** @type {Record<string, (target: HTMLElement) => Promise<void>>} */
const SECTIONS = {
  chains: showChains,
  tenants: showTenants,
  usage: showUsage,
  jobs: showJobs,
  audit: showAudit,
  compliance: showCompliance,
};

const signInForm = /** @type {HTMLFormElement} */ (document.getElementById("sign-in"));
const signOutButton = /** @type {HTMLButtonElement} */ (document.getElementById("sign-out"));
const menu = /** @type {HTMLElement} */ (document.getElementById("sections"));

/** The console's sections. */
function sections() {
  return /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll("main > section"));
}

/** @param {boolean} signedIn */
function showSignedIn(signedIn) {
  signInForm.hidden = signedIn;
  signOutButton.hidden = !signedIn;
  menu.hidden = !signedIn;
  if (!signedIn) for (const section of sections()) section.hidden = true;
}

/** Shows one section and (re)loads it from the admin API. @param {string} name */
async function open(name) {
  for (const button of menu.querySelectorAll("button")) {
    button.setAttribute("aria-current", String(button.dataset.section === name));
  }
  for (const section of sections()) section.hidden = section.id !== name;
  const section = /** @type {HTMLElement} */ (document.getElementById(name));
  const content = /** @type {HTMLElement} */ (section.querySelector(".content"));
  section.setAttribute("aria-busy", "true");
  try {
    await SECTIONS[name]?.(content);
  } catch (err) {
    say(String(/** @type {Error} */ (err).message), "error");
  } finally {
    section.removeAttribute("aria-busy");
  }
}

/** @param {string} token */
async function signIn(token) {
  saveToken(token);
  try {
    await api("GET", "/jobs");
  } catch (err) {
    forgetToken();
    showSignedIn(false);
    say(`Not signed in: ${/** @type {Error} */ (err).message}`, "error");
    return;
  }
  say("Signed in.");
  showSignedIn(true);
  await open("chains");
}

signInForm.addEventListener("submit", (event) => {
  event.preventDefault();
  const input = /** @type {HTMLInputElement} */ (document.getElementById("token"));
  const token = input.value.trim();
  input.value = "";
  void signIn(token);
});
signOutButton.addEventListener("click", () => {
  forgetToken();
  showSignedIn(false);
  say("Signed out.");
});
addEventListener("signed-out", (event) => {
  showSignedIn(false);
  say(`Signed out: ${/** @type {CustomEvent} */ (event).detail}`, "error");
});
menu.addEventListener("click", (event) => {
  const button = /** @type {HTMLElement} */ (event.target).closest("button");
  if (button?.dataset.section) void open(button.dataset.section);
});

const saved = savedToken();
if (saved) void signIn(saved);
else showSignedIn(false);
