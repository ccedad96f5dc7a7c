// The sanctions job through the scheduled handler inside workerd: the Chainalysis-compatible oracle
// deployed on anvil (its added/removed events rebuild the set), lists served by a local HTTP server
// standing in for the remote list URLs, and what the compliance report and sources view then show.
import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { encodeDeployData, encodeFunctionData } from "viem";
import { beforeEach, expect, test } from "vitest";
import oracleArtifact from "../../contracts/build/SanctionsList.json";
import worker from "../../workers/gateway/src/index";
import { admin, anvil, fireCron, fixture, resetSanctions, transact } from "./fixtures";

const A = `0x${"a1".repeat(20)}`;
const B = `0x${"b2".repeat(20)}`;
const C = `0x${"c3".repeat(20)}`;
const fire = () => fireCron("0 * * * *");

interface Snapshot {
  version: number;
  hash: string;
  size: number;
  added: string[];
  removed: string[];
  sources: { name: string; status: string; size: number; error?: string }[];
}
interface JobView {
  job: string;
  latest: { status: string; counts: Record<string, number>; error: string | null } | null;
}

const report = () =>
  admin<{ sanctions: { current: Snapshot | null; snapshots: Snapshot[] } }>("GET", "/compliance/report");
const latestRun = async (job: string) =>
  (await admin<{ jobs: JobView[] }>("GET", "/jobs")).jobs.find((j) => j.job === job)?.latest;
const sha256 = async (text: string) =>
  [...new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)))]
    .map((b) => b.toString(16).padStart(2, "0"))
    .join("");

/** Serves `text` as a list at a fresh URL of the local list server; `status` makes it fail. */
async function serveList(name: string, text: string, status = 200) {
  const url = `${env.TEST_LIST_URL}/lists/${name}`;
  const res = await fetch(`${url}?status=${status}`, { method: "PUT", body: text });
  expect(res.status).toBe(204);
  return url;
}

const oracleCall = (functionName: "addToSanctionsList" | "removeFromSanctionsList", addresses: string[]) =>
  encodeFunctionData({ abi: oracleArtifact.abi, functionName, args: [addresses] });

beforeEach(resetSanctions);

test("oracle events rebuild the set: each change is a new version with its diff and the sorted list's SHA-256", async () => {
  // Its own anvil: mining past finality here would make other files' recent blocks final.
  const node = env.TEST_MINING_ANVIL_URL;
  const f = await fixture({ upstreamUrl: node });
  const oracle = (await transact(
    {
      data: encodeDeployData({ abi: oracleArtifact.abi, bytecode: oracleArtifact.bytecode as `0x${string}` }),
    },
    node,
  )) as string;
  await admin("POST", "/sanction-sources", {
    kind: "oracle",
    name: "local-oracle",
    chain: f.chain,
    address: oracle,
  });
  await transact({ to: oracle, data: oracleCall("addToSanctionsList", [B, A]) }, node);
  // anvil's finalized block is 64 below its head: mine past it so the events are final.
  await anvil("anvil_mine", ["0x41"], node);
  await fire();

  const first = (await report()).sanctions.snapshots;
  expect(first).toHaveLength(1);
  expect(first[0]).toMatchObject({ version: expect.any(Number), size: 2, added: [A, B], removed: [] });
  expect(first[0]?.hash).toBe(await sha256(`${A}\n${B}`));
  expect(first[0]?.sources).toContainEqual(
    expect.objectContaining({ name: "local-oracle", status: "ok", size: 2 }),
  );
  // The shipped oracle sources are for chains this test does not serve.
  expect(first[0]?.sources).toContainEqual(
    expect.objectContaining({ name: "chainalysis-ethereum", status: "skipped" }),
  );

  await transact({ to: oracle, data: oracleCall("removeFromSanctionsList", [A]) }, node);
  await transact({ to: oracle, data: oracleCall("addToSanctionsList", [C]) }, node);
  await anvil("anvil_mine", ["0x41"], node);
  // Removing A is half the set: allowed here (the hold for approval: sanctionsApproval.test.ts).
  await worker.scheduled(createScheduledController({ cron: "0 * * * *" }), {
    ...env,
    SANCTIONS_MAX_SHRINK: "1",
  });
  const { current, snapshots } = (await report()).sanctions;
  expect(snapshots).toHaveLength(2);
  expect(snapshots[1]).toMatchObject({ size: 2, added: [C], removed: [A] });
  expect(snapshots[1]?.version).toBe((first[0]?.version ?? 0) + 1);
  expect(snapshots[1]?.hash).toBe(await sha256(`${B}\n${C}`));
  expect(current?.version).toBe(snapshots[1]?.version);

  // Nothing changed: the run publishes the same set and makes no new version.
  await fire();
  expect((await report()).sanctions.snapshots).toHaveLength(2);
  expect(await latestRun("sanctions")).toMatchObject({
    status: "ok",
    counts: { size: 2, added: 0, removed: 0 },
  });
});

test("a list that fails keeps its previous data and is reported; entries that are not addresses are dropped", async () => {
  const name = `list-${crypto.randomUUID()}.txt`;
  const url = await serveList(
    name,
    `# OFAC SDN, ETH\n${A.toUpperCase().replace("0X", "0x")}\nnot-an-address\n\n${B}\n`,
  );
  await admin("POST", "/sanction-sources", { kind: "list", name: "test-list", url });
  await fire();
  const before = (await report()).sanctions;
  expect(before.current).toMatchObject({ size: 2 });
  expect(before.snapshots[0]).toMatchObject({ added: [A, B] });

  await serveList(name, "", 500);
  await fire();
  const after = (await report()).sanctions;
  expect(after.snapshots).toHaveLength(1);
  expect(after.current).toEqual(before.current);
  expect(await latestRun("sanctions")).toMatchObject({
    status: "partial",
    error: "test-list: the list answered HTTP 500",
    counts: { kept: 1, size: 2 },
  });
  const { sources } = await admin<{ sources: Record<string, unknown>[] }>("GET", "/sanction-sources");
  expect(sources.find((s) => s.name === "test-list")).toMatchObject({
    size: 2,
    dropped: 1,
    lastError: "the list answered HTTP 500",
  });
});

test("with no source holding data, nothing is published: an empty set is never made up", async () => {
  await admin("POST", "/sanction-sources", {
    kind: "list",
    name: "down",
    url: await serveList(`down-${crypto.randomUUID()}.txt`, "", 503),
  });
  await fire();
  expect((await report()).sanctions.current).toBeNull();
  expect(await latestRun("sanctions")).toMatchObject({
    status: "partial",
    error: "down: the list answered HTTP 503; no source has data yet: no snapshot published",
  });
});

test("the minute trigger runs the sanctions job until the first snapshot exists, then leaves it to the hourly one", async () => {
  const name = `list-${crypto.randomUUID()}.json`;
  await admin("POST", "/sanction-sources", {
    kind: "list",
    name: "json-list",
    url: await serveList(name, JSON.stringify([A])),
  });
  await fireCron("* * * * *");
  expect((await report()).sanctions.current).toMatchObject({ size: 1 });
  await serveList(name, JSON.stringify([A, B]));
  await fireCron("* * * * *");
  expect((await report()).sanctions.snapshots).toHaveLength(1);
  await fire();
  expect((await report()).sanctions.current).toMatchObject({ size: 2 });
});

test("the compliance report verifies the audit chains, and names a row edited in D1", async () => {
  type Check = {
    chain: string;
    verified: boolean;
    broken?: { seq: number; id: number | null; reason: string };
  };
  const chains = async () =>
    (await admin<{ auditChain: { verified: boolean; chains: Check[] } }>("GET", "/compliance/report"))
      .auditChain;
  await admin("POST", "/sanction-sources", {
    kind: "list",
    name: "audited",
    url: await serveList("audited.txt", A),
  });
  expect(await chains()).toMatchObject({
    verified: true,
    chains: [{ chain: "admin" }, { chain: "screening" }],
  });
  const { id, seq, target } = (await env.DB.prepare(
    "SELECT id, seq, target FROM audit_log WHERE chain = 'admin' ORDER BY seq DESC LIMIT 1",
  ).first<{ id: number; seq: number; target: string }>()) as { id: number; seq: number; target: string };

  await env.DB.prepare("UPDATE audit_log SET target = 'someone-else' WHERE id = ?").bind(id).run();
  const edited = await chains();
  expect(edited.verified).toBe(false);
  expect(edited.chains[0]?.broken).toEqual({
    seq,
    id,
    reason: "its content does not match its link (it was edited, or relinked without AUDIT_KEY)",
  });
  await env.DB.prepare("UPDATE audit_log SET target = ? WHERE id = ?").bind(target, id).run();
  expect((await chains()).verified).toBe(true);
});
