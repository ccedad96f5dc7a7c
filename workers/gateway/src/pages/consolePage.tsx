/**
 * @module
 * GET /console: the operator console's frame. The server sends only the sign-in form and empty
 * sections; the console's script (client/console/, served from /assets/console/) keeps the admin
 * token in the tab's sessionStorage and fills each section from the admin API, so every action is
 * an admin API call, checked and audited like any other. No data is in this page.
 */
import { Layout } from "./layout";

/** The console's sections, in the order of its menu: id and heading. */
export const CONSOLE_SECTIONS: readonly (readonly [string, string])[] = [
  ["chains", "Chains and upstreams"],
  ["tenants", "Tenants and keys"],
  ["usage", "Usage"],
  ["jobs", "Jobs"],
  ["audit", "Audit log"],
  ["compliance", "Compliance report"],
];

function SignIn() {
  return (
    // Hidden until the console's script runs, and its field has no name: without the script the
    // browser could only submit it as a GET, which would put the token in the URL.
    <form id="sign-in" class="sign-in" hidden>
      <h2>Sign in</h2>
      <label for="token">Admin token</label>
      <input id="token" type="password" autocomplete="off" required />
      <button type="submit">Sign in</button>
      <p class="muted">
        A JWT for the admin API (scope admin:read or admin:write). It stays in this tab's session storage and
        is sent only to this gateway's admin API.
      </p>
    </form>
  );
}

export function ConsolePage() {
  return (
    <Layout title="Operator console · RPC gateway" module="/assets/console/main.browser.js">
      <header class="top">
        <h1>Operator console</h1>
        <button id="sign-out" type="button" hidden>
          Sign out
        </button>
      </header>
      <p id="message" role="status" aria-live="polite" />
      <SignIn />
      <nav id="sections" aria-label="Console sections" hidden>
        {CONSOLE_SECTIONS.map(([id, title]) => (
          <button type="button" data-section={id}>
            {title}
          </button>
        ))}
      </nav>
      <main>
        {CONSOLE_SECTIONS.map(([id, title]) => (
          <section id={id} aria-labelledby={`${id}-title`} hidden>
            <h2 id={`${id}-title`}>{title}</h2>
            <div class="content" />
          </section>
        ))}
      </main>
    </Layout>
  );
}
