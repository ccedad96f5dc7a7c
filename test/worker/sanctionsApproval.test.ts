// Guards on the sanctions job, through the scheduled handler inside workerd with lists served by the
// local list server: a set that shrinks past SANCTIONS_MAX_SHRINK waits for an admin (the current one
// stays in force), list bodies are read up to a byte cap, and a list may pin its body's SHA-256.
import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { type Hex, parseGwei } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { beforeEach, expect, test } from "vitest";
import worker from "../../workers/gateway/src/index";
import { admin, adminRaw, adminToken, anvil, call, fireCron, fixture, resetSanctions, rpc } from "./fixtures";

const addr = (i: number) => `0x${i.toString(16).padStart(40, "0")}`;
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => addr(from + i));
const fire = () => fireCron("0 * * * *");
/** The sanctions job with some variables changed, as a deployment setting them would run it. */
const fireWith = (vars: Record<string, string>) =>
  worker.scheduled(createScheduledController({ cron: "0 * * * *" }), { ...env, ...vars });

type Version = { version: number; hash: string; size: number };
type Pending = { id: string; status: string; size: number; sources: Record<string, unknown>[] };
interface Sanctions {
  current: Version | null;
  pending: Pending | null;
  snapshots: (Version & { added: string[]; removed: string[]; sources: Record<string, unknown>[] })[];
}
type Report = { sanctions: Sanctions; adminActions: { actor: string; action: string; target: string }[] };

const report = () => admin<Report>("GET", "/compliance/report");
const sanctions = async () => (await report()).sanctions;
const latestRun = async () =>
  (
    await admin<{ jobs: { job: string; latest: Record<string, unknown> | null }[] }>("GET", "/jobs")
  ).jobs.find((j) => j.job === "sanctions")?.latest;
const sha256 = async (text: string) =>
  [...new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)))]
    .map((b) => b.toString(16).padStart(2, "0"))
    .join("");

/** Serves `addresses` (one a line) at a list URL; the same name serves the new text from then on. */
async function serveList(name: string, addresses: string[]) {
  const url = `${env.TEST_LIST_URL}/lists/${name}`;
  expect((await fetch(url, { method: "PUT", body: addresses.join("\n") })).status).toBe(204);
  return url;
}

/** A list source holding ten addresses, published as the current version. */
async function tenListed() {
  const name = `list-${crypto.randomUUID()}.txt`;
  const url = await serveList(name, range(1, 11));
  await admin("POST", "/sanction-sources", { kind: "list", name: "ten", url });
  await fire();
  const current = (await sanctions()).current as Version;
  expect(current).toMatchObject({ size: 10 });
  return { name, current };
}

/** The ten-address list cut to the first `keep`, run through the job: the held set's id. */
async function shrinkTo(name: string, keep: number) {
  await serveList(name, range(1, 1 + keep));
  await fire();
  return (await sanctions()).pending?.id as string;
}

const approve = (id: string) => adminRaw("POST", `/sanctions/pending/${id}/approve`);

beforeEach(async () => {
  await resetSanctions();
  await env.DB.prepare("DELETE FROM sanctions_pending").run();
});

test("a set removing 50% is held: the current version stays in force and screened, the run and the report say why", async () => {
  const { name, current } = await tenListed();
  const id = await shrinkTo(name, 5);

  const after = await sanctions();
  expect(after.current).toEqual(current);
  expect(after.snapshots).toHaveLength(1);
  expect(after.pending).toMatchObject({
    id,
    status: "pending",
    baseVersion: current.version,
    size: 5,
    added: 0,
    removed: 5,
    share: 0.5,
  });
  expect(after.pending?.sources).toContainEqual(
    expect.objectContaining({ name: "ten", status: "ok", size: 5 }),
  );
  expect(await latestRun()).toMatchObject({
    status: "partial",
    error: `held for approval: removes 50% of addresses, over the 10% limit (${id}; POST /admin/v1/sanctions/pending/${id}/approve publishes it)`,
    counts: { size: 10, version: current.version, pending: 1, pendingSize: 5, pendingRemoved: 5 },
  });
  expect(await admin("GET", "/sanctions/pending")).toMatchObject({ pending: { id, size: 5 } });

  // An address only the old version lists is still refused.
  const f = await fixture();
  const sender = mnemonicToAccount("test test test test test test test test test test test junk", {
    addressIndex: 11,
  });
  const raw = await sender.signTransaction({
    chainId: 31337,
    nonce: Number(await anvil("eth_getTransactionCount", [sender.address, "pending"])),
    to: addr(10) as Hex,
    value: 1n,
    gas: 100_000n,
    maxFeePerGas: parseGwei("20"),
    maxPriorityFeePerGas: parseGwei("1"),
  });
  const res = await rpc(
    f,
    JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_sendRawTransaction", params: [raw] }),
  );
  expect(res.status).toBe(403);
  expect(await res.json()).toMatchObject({ error: { data: { role: "recipient", address: addr(10) } } });

  // The same set on the next run keeps its id: an approval link stays valid.
  await fire();
  expect((await sanctions()).pending?.id).toBe(id);
});

test("a read-only admin cannot approve; an approval publishes exactly the held set, audited", async () => {
  const { name, current } = await tenListed();
  const id = await shrinkTo(name, 5);

  const readOnly = await call(`/admin/v1/sanctions/pending/${id}/approve`, {
    method: "POST",
    headers: { authorization: `Bearer ${await adminToken({ scope: "admin:read" })}` },
  });
  expect(readOnly.status).toBe(403);
  expect(await sanctions()).toMatchObject({ current, pending: { id, status: "pending" } });

  const res = await approve(id);
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({
    approved: id,
    current: { version: current.version + 1, size: 5 },
    removed: 5,
  });
  const { sanctions: after, adminActions } = await report();
  expect(after.pending).toBeNull();
  expect(after.current).toMatchObject({
    version: current.version + 1,
    size: 5,
    hash: await sha256(range(1, 6).join("\n")),
  });
  expect(after.snapshots[1]).toMatchObject({ added: [], removed: range(6, 11) });
  expect(adminActions).toContainEqual(
    expect.objectContaining({ actor: "admin:test-admin", action: "sanctions.approve", target: id }),
  );
  const row = await env.DB.prepare("SELECT after FROM audit_log WHERE action = 'sanctions.approve'").first<{
    after: string;
  }>();
  expect(JSON.parse(row?.after ?? "{}")).toMatchObject({
    version: current.version + 1,
    removed: 5,
    share: 0.5,
  });

  // Approved once: a second approval is refused, and the next run finds nothing new.
  const again = await approve(id);
  expect(again.status).toBe(409);
  expect(((await again.json()) as { error: { message: string } }).error.message).toMatch(
    /no longer pending: it was approved/,
  );
  await fire();
  expect(await latestRun()).toMatchObject({ status: "ok", counts: { size: 5, pending: 0 } });
});

test("a later shrinking run replaces the held set (the old id is refused); a run that no longer shrinks publishes and clears it", async () => {
  const { name, current } = await tenListed();
  const first = await shrinkTo(name, 5);
  const second = await shrinkTo(name, 4);
  expect(second).not.toBe(first);
  expect((await sanctions()).pending).toMatchObject({ id: second, size: 4, removed: 6 });
  const stale = await approve(first);
  expect(stale.status).toBe(409);
  expect(((await stale.json()) as { error: { message: string } }).error.message).toMatch(/it was replaced/);
  expect((await sanctions()).current).toEqual(current);

  await serveList(name, range(1, 12));
  await fire();
  const after = await sanctions();
  expect(after.pending).toBeNull();
  expect(after.current).toMatchObject({ version: current.version + 1, size: 11 });
  expect((await approve(second)).status).toBe(409);
  expect((await adminRaw("POST", "/sanctions/pending/pend_nope/approve")).status).toBe(404);
});

test("a set removing under the limit is published without approval", async () => {
  const name = `list-${crypto.randomUUID()}.txt`;
  await admin("POST", "/sanction-sources", {
    kind: "list",
    name: "twenty",
    url: await serveList(name, range(1, 21)),
  });
  await fire();
  const before = (await sanctions()).current as Version;
  await serveList(name, range(1, 20));
  await fire();
  const after = await sanctions();
  expect(after.pending).toBeNull();
  expect(after.current).toMatchObject({ version: before.version + 1, size: 19 });
  expect(await latestRun()).toMatchObject({ status: "ok", counts: { size: 19, removed: 1, pending: 0 } });
});

test("a rejected set is discarded, audited, and not held again while the sources say the same", async () => {
  const { name, current } = await tenListed();
  const id = await shrinkTo(name, 5);
  const res = await adminRaw("POST", `/sanctions/pending/${id}/reject`);
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({ rejected: id, current: { version: current.version } });
  const { sanctions: after, adminActions } = await report();
  expect(after).toMatchObject({ current, pending: null });
  expect(adminActions).toContainEqual(
    expect.objectContaining({ actor: "admin:test-admin", action: "sanctions.reject", target: id }),
  );
  expect((await approve(id)).status).toBe(409);

  await fire();
  expect((await sanctions()).pending).toBeNull();
  expect(await latestRun()).toMatchObject({
    status: "partial",
    error: expect.stringContaining(`and that set was rejected (${id}, by admin:test-admin)`),
    counts: { size: 10, pending: 0 },
  });
});

test("a list body over the byte cap fails that source only; the others still count", async () => {
  const big = await serveList(`big-${crypto.randomUUID()}.txt`, range(100, 130));
  const small = await serveList(`small-${crypto.randomUUID()}.txt`, range(1, 3));
  await admin("POST", "/sanction-sources", { kind: "list", name: "big", url: big });
  await admin("POST", "/sanction-sources", { kind: "list", name: "small", url: small });
  await fireWith({ SANCTIONS_MAX_LIST_BYTES: "1000" });

  const { current, snapshots } = await sanctions();
  expect(current).toMatchObject({ size: 2 });
  expect(snapshots[0]?.sources).toContainEqual(
    expect.objectContaining({ name: "big", status: "empty", error: "list body over 1000 bytes" }),
  );
  expect(await latestRun()).toMatchObject({ status: "partial", error: "big: list body over 1000 bytes" });
  const { sources } = await admin<{ sources: Record<string, unknown>[] }>("GET", "/sanction-sources");
  expect(sources.find((s) => s.name === "big")).toMatchObject({
    size: 0,
    lastError: "list body over 1000 bytes",
  });

  // Under the default cap (16 MiB) the same list is read.
  await fire();
  expect((await sanctions()).current).toMatchObject({ size: 32 });
});

test("a pinned SHA-256: a matching body is used, any other fails that source and keeps its last good data", async () => {
  const name = `pinned-${crypto.randomUUID()}.txt`;
  const url = await serveList(name, range(1, 4));
  const pin = await sha256(range(1, 4).join("\n"));
  const source = await admin<{ id: string; sha256: string }>("POST", "/sanction-sources", {
    kind: "list",
    name: "pinned",
    url,
    sha256: pin.toUpperCase(),
  });
  expect(source.sha256).toBe(pin);
  await fire();
  expect((await sanctions()).current).toMatchObject({ size: 3 });

  await serveList(name, range(1, 5));
  const changed = await sha256(range(1, 5).join("\n"));
  await fire();
  expect((await sanctions()).current).toMatchObject({ size: 3 });
  expect(await latestRun()).toMatchObject({
    status: "partial",
    error: `pinned: list body sha256 ${changed} does not match the pinned ${pin} (if the list changed on purpose, update the source's sha256)`,
    counts: { kept: 1 },
  });

  await admin("PATCH", `/sanction-sources/${source.id}`, { sha256: changed });
  await fire();
  expect((await sanctions()).current).toMatchObject({ size: 4 });

  const bad = await adminRaw("PATCH", `/sanction-sources/${source.id}`, { sha256: "abc" });
  expect(bad.status).toBe(400);
  const oracle = await adminRaw("POST", "/sanction-sources", {
    kind: "oracle",
    name: "pinned-oracle",
    chain: "ethereum",
    address: addr(1),
    sha256: pin,
  });
  expect(oracle.status).toBe(400);
});
