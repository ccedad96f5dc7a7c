/**
 * @module
 * Tenants and keys: the tenants with their plans, a form to add one; for the chosen tenant its keys,
 * a form to create one (its key and secret shown once, here, and nowhere after), a cap per key,
 * and revoking (a second click confirms). Runs in the browser.
 */
import { api, seg } from "./api.browser.js";
import { field, h, say, table, when } from "./dom.browser.js";

/** @param {HTMLElement} target */
export async function showTenants(target) {
  const [{ tenants }, { plans }] = await Promise.all([api("GET", "/tenants"), api("GET", "/plans")]);
  const planName = new Map(plans.map((/** @type {any} */ p) => [p.id, p.name]));
  const keys = h("div", { id: "tenant-keys" });
  const reload = () => showTenants(target);
  target.replaceChildren(
    newTenantForm(plans, reload),
    table(
      "Tenants",
      [
        ["Name", (t) => t.name],
        ["Id", (t) => h("code", {}, t.id)],
        ["Plan", (t) => planName.get(t.planId) ?? t.planId],
        ["Status", (t) => t.status],
        ["Created", (t) => when(t.createdAt)],
        [
          "Keys",
          (t) => h("button", { type: "button", onclick: () => showKeys(keys, t) }, `Keys of ${t.name}`),
        ],
      ],
      tenants,
    ),
    keys,
  );
}

/**
 * @param {any[]} plans
 * @param {() => Promise<void>} reload
 */
function newTenantForm(plans, reload) {
  const name = h("input", { id: "tenant-name", name: "name", required: true, maxlength: 100 });
  const plan = h(
    "select",
    { id: "tenant-plan", name: "planId" },
    plans.map((p) => h("option", { value: p.id }, p.name)),
  );
  const form = h(
    "form",
    { class: "inline", "aria-label": "New tenant" },
    field("Tenant name", name),
    field("Plan", plan),
    h("button", { type: "submit" }, "Create tenant"),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = {
      name: /** @type {HTMLInputElement} */ (name).value,
      planId: /** @type {HTMLSelectElement} */ (plan).value,
    };
    try {
      const tenant = await api("POST", "/tenants", body);
      say(`Tenant ${tenant.name} created (${tenant.id}).`);
      await reload();
    } catch (err) {
      say(/** @type {Error} */ (err).message, "error");
    }
  });
  return form;
}

/**
 * @param {HTMLElement} target
 * @param {any} tenant
 * @param {HTMLElement} [shown] the new key, shown once above the list
 */
async function showKeys(target, tenant, shown) {
  const { keys } = await api("GET", `/tenants/${seg(tenant.id)}/keys`);
  /** @param {HTMLElement} [next] */
  const reload = (next) => showKeys(target, tenant, next);
  target.replaceChildren(
    h("h3", { id: "keys-title" }, `Keys of ${tenant.name}`),
    shown ?? "",
    newKeyForm(tenant, reload),
    table(
      "Its keys (by prefix: a key is shown once, when it is created)",
      [
        ["Name", (k) => k.name ?? "–"],
        ["Prefix", (k) => h("code", {}, k.prefix)],
        ["Created", (k) => when(k.createdAt)],
        ["Status", (k) => (k.revokedAt ? `revoked ${when(k.revokedAt)}` : "active")],
        ["CU per second", (k) => (k.revokedAt ? (k.cuPerSecond ?? "plan's") : capForm(k, reload))],
        ["Action", (k) => (k.revokedAt ? "" : revokeButton(k, reload))],
      ],
      keys,
    ),
  );
  target.querySelector("h3")?.scrollIntoView();
}

/**
 * @param {any} tenant
 * @param {(shown?: HTMLElement) => Promise<void>} reload
 */
function newKeyForm(tenant, reload) {
  const name = h("input", { id: "key-name", name: "name", maxlength: 100 });
  const form = h(
    "form",
    { class: "inline", "aria-label": "New key" },
    field("Key name", name),
    h("button", { type: "submit" }, "Create key"),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const value = /** @type {HTMLInputElement} */ (name).value.trim();
    try {
      const created = await api("POST", `/tenants/${seg(tenant.id)}/keys`, value ? { name: value } : {});
      say(`Key ${created.prefix}… created. Copy it now: it is shown only once.`);
      await reload(onceBox(created));
    } catch (err) {
      say(/** @type {Error} */ (err).message, "error");
    }
  });
  return form;
}

/** The new key and secret, shown this once. @param {any} created */
function onceBox(created) {
  return h(
    "div",
    { class: "once", role: "alert" },
    h("p", {}, h("strong", {}, "Shown once. "), "Copy the key now: the gateway keeps only its hash."),
    h("p", {}, "Key: ", h("output", { id: "new-key" }, created.key)),
    h("p", {}, "Secret (optional second factor): ", h("output", { id: "new-secret" }, created.secret)),
  );
}

/**
 * @param {any} key
 * @param {() => Promise<void>} reload
 */
function capForm(key, reload) {
  const input = h("input", {
    id: `cap-${key.id}`,
    type: "number",
    min: 1,
    value: key.cuPerSecond ?? "",
    placeholder: "plan's",
  });
  const form = h(
    "form",
    { class: "inline" },
    field(`Cap of ${key.prefix}`, input),
    h("button", { type: "submit" }, "Set cap"),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const value = /** @type {HTMLInputElement} */ (input).value;
    try {
      await api("PATCH", `/keys/${seg(key.id)}`, { cuPerSecond: value === "" ? null : Number(value) });
      say(`Cap of ${key.prefix}… set to ${value === "" ? "the plan's" : `${value} CU/s`}.`);
      await reload();
    } catch (err) {
      say(/** @type {Error} */ (err).message, "error");
    }
  });
  return form;
}

/**
 * Revokes on the second click: the first asks to confirm.
 * @param {any} key
 * @param {() => Promise<void>} reload
 */
function revokeButton(key, reload) {
  const button = h("button", { type: "button", class: "danger" }, `Revoke ${key.prefix}…`);
  button.addEventListener("click", async () => {
    if (button.dataset.confirm !== "yes") {
      button.dataset.confirm = "yes";
      button.textContent = `Confirm: revoke ${key.prefix}…`;
      return;
    }
    try {
      await api("DELETE", `/keys/${seg(key.id)}`);
      say(`Key ${key.prefix}… revoked: refused at once here, everywhere within 60 s.`);
      await reload();
    } catch (err) {
      say(/** @type {Error} */ (err).message, "error");
    }
  });
  return button;
}
