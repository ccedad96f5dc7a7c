// The audit log as an insider with write access to D1 meets it: removing the newest row or a middle
// one, editing a row and recomputing every later link, replacing the whole chain; each is found and
// the row named, because links are keyed (AUDIT_KEY) and the newest link is anchored outside D1.
// Screening rows have their own chain: a flood of refusals neither loses a row nor blocks an admin.
import { env } from "cloudflare:workers";
import { type Hex, keccak256, parseGwei } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { legacyLink } from "../../shared/audit/link";
import type { AuditLogRow } from "../../shared/audit/rows";
import { admin, adminRaw, adminToken, call, fireCron, fixture, resetSanctions, rpc } from "./fixtures";

interface ChainCheck {
  chain: string;
  verified: boolean;
  rows: number;
  checkpointSeq: number;
  anchoredSeq: number;
  broken?: { seq: number; id: number | null; reason: string };
}

type Row = AuditLogRow;

const verify = async (from?: string) => {
  const report = await admin<{ verified: boolean; chains: ChainCheck[]; strays?: { rows: number } }>(
    "GET",
    `/audit/verify${from ? `?from=${from}` : ""}`,
  );
  return { ...report, admin: report.chains.find((c) => c.chain === "admin") as ChainCheck };
};

const adminRows = async () =>
  (await env.DB.prepare("SELECT * FROM audit_log WHERE chain = 'admin' ORDER BY seq").all<Row>()).results;

async function writePlans(n: number): Promise<void> {
  for (let i = 0; i < n; i++)
    await admin("POST", "/plans", { name: `plan-${crypto.randomUUID().slice(0, 8)}` });
}

/** Puts back the admin chain's rows as they were before a test tampered with them (later rows stay). */
let saved: Row[] = [];
beforeEach(async () => {
  await writePlans(4);
  saved = await adminRows();
});
afterEach(async () => {
  const newest = saved.at(-1)?.id ?? 0;
  await env.DB.prepare("DELETE FROM audit_log WHERE chain = 'admin' AND id <= ?").bind(newest).run();
  await env.DB.batch(
    saved.map((r) =>
      env.DB.prepare(
        "INSERT INTO audit_log (id, chain, seq, at, actor, action, target, before, after, prev_hash, hash, key_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
      ).bind(
        r.id,
        r.chain,
        r.seq,
        r.at,
        r.actor,
        r.action,
        r.target,
        r.before,
        r.after,
        r.prev_hash,
        r.hash,
        r.key_id,
      ),
    ),
  );
  expect((await verify()).verified).toBe(true);
});

/** An insider's recomputation: every row from `from` on relinked with plain SHA-256, as the log once was. */
async function relinkWithSha256(rows: Row[], from: number): Promise<void> {
  let prev = rows[from - 2]?.hash ?? "0".repeat(64);
  for (const row of rows.filter((r) => r.seq >= from)) {
    const parsed = {
      ...row,
      prevHash: prev,
      before: JSON.parse(row.before ?? "null"),
      after: JSON.parse(row.after ?? "null"),
    };
    const hash = await legacyLink(parsed);
    await env.DB.prepare("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?")
      .bind(prev, hash, row.id)
      .run();
    prev = hash;
  }
}

describe("tampering in D1 is found, naming the row", () => {
  test("an intact log verifies, in the audit API and in the compliance report", async () => {
    const check = await verify();
    expect(check.verified).toBe(true);
    expect(check.admin).toMatchObject({
      verified: true,
      rows: saved.length,
      anchoredSeq: saved.length,
    });
    expect(check.admin.broken).toBeUndefined();
    const report = await admin<{ auditChain: { verified: boolean } }>("GET", "/compliance/report");
    expect(report.auditChain.verified).toBe(true);
  });

  test("removing the newest row: the anchor outside D1 still records it", async () => {
    const newest = saved.at(-1) as Row;
    await env.DB.prepare("DELETE FROM audit_log WHERE id = ?").bind(newest.id).run();
    expect((await verify()).admin).toMatchObject({
      verified: false,
      broken: {
        seq: newest.seq,
        id: null,
        reason: `it is missing (removed): the anchor outside D1 records rows up to ${newest.seq}, D1 ends at ${newest.seq - 1}`,
      },
    });
    const report = await admin<{ auditChain: { verified: boolean } }>("GET", "/compliance/report");
    expect(report.auditChain.verified).toBe(false);
  });

  test("removing a middle row", async () => {
    const middle = saved[saved.length - 3] as Row;
    await env.DB.prepare("DELETE FROM audit_log WHERE id = ?").bind(middle.id).run();
    expect((await verify()).admin.broken).toEqual({
      seq: middle.seq,
      id: null,
      reason: `it is missing (removed): the next row in D1 is ${middle.seq + 1}`,
    });
  });

  test("removing a middle row and renumbering the rest, so no seq is missing", async () => {
    const middle = saved[saved.length - 3] as Row;
    await env.DB.prepare("DELETE FROM audit_log WHERE id = ?").bind(middle.id).run();
    await env.DB.prepare("UPDATE audit_log SET seq = seq - 1 WHERE chain = 'admin' AND seq > ?")
      .bind(middle.seq)
      .run();
    expect((await verify()).admin.broken).toMatchObject({
      seq: middle.seq,
      reason: "it does not link to the row before it (that row was removed, replaced or edited)",
    });
  });

  test("editing a row and recomputing every later link with SHA-256", async () => {
    const edited = saved[saved.length - 3] as Row;
    await env.DB.prepare("UPDATE audit_log SET actor = 'admin:someone-else' WHERE id = ?")
      .bind(edited.id)
      .run();
    await relinkWithSha256(await adminRows(), edited.seq);
    expect((await verify()).admin.broken).toEqual({
      seq: edited.seq,
      id: edited.id,
      reason: "its content does not match its link (it was edited, or relinked without AUDIT_KEY)",
    });
  });

  test("editing a row and recomputing with SHA-256 as rows without a key id", async () => {
    const edited = saved[saved.length - 2] as Row;
    await env.DB.prepare(
      "UPDATE audit_log SET target = 'elsewhere', key_id = NULL WHERE chain = 'admin' AND seq >= ?",
    )
      .bind(edited.seq)
      .run();
    await relinkWithSha256(await adminRows(), edited.seq);
    expect((await verify()).admin.broken).toEqual({
      seq: edited.seq,
      id: edited.id,
      reason: "it has no key id, but it was written after keyed links began (a forged row)",
    });
  });

  test("replacing the whole chain with another of the same length", async () => {
    await env.DB.prepare("UPDATE audit_log SET action = 'plan.read' WHERE chain = 'admin'").run();
    await relinkWithSha256(await adminRows(), 1);
    expect((await verify()).admin.broken).toEqual({
      seq: 1,
      id: saved[0]?.id,
      reason: "its content does not match its link (it was edited, or relinked without AUDIT_KEY)",
    });
  });

  test("a back-dated row", async () => {
    const row = saved[saved.length - 2] as Row;
    await env.DB.prepare("UPDATE audit_log SET at = at - 86400000 WHERE id = ?").bind(row.id).run();
    expect((await verify()).admin.broken).toEqual({
      seq: row.seq,
      id: row.id,
      reason: "its time is before the row before it (back-dated)",
    });
  });

  test("rows inserted outside the chains are counted, and never listed in the report", async () => {
    const insert = (chain: string, seq: number) =>
      env.DB.prepare(
        "INSERT INTO audit_log (chain, seq, at, actor, action, target, prev_hash, hash) VALUES (?, ?, ?, 'admin:mallory', 'tenant.delete', 'ten_fake', 'x', 'y')",
      )
        .bind(chain, seq, Date.now())
        .run();
    await insert("Admin", 1);
    await insert("admin", 0);
    const check = await verify();
    expect(check).toMatchObject({ verified: false, strays: { rows: 2 } });
    expect(check.admin.verified).toBe(true);
    const report = await admin<{ adminActions: { target: string }[]; auditChain: { verified: boolean } }>(
      "GET",
      "/compliance/report",
    );
    expect(report.auditChain.verified).toBe(false);
    expect(report.adminActions.map((a) => a.target)).not.toContain("ten_fake");
    await env.DB.prepare("DELETE FROM audit_log WHERE target = 'ten_fake'").run();
  });

  test("a row inserted at the next seq, or at the largest, neither blocks admin writes nor hides", async () => {
    const tail = saved.at(-1) as Row;
    const insert = (seq: number) =>
      env.DB.prepare(
        "INSERT INTO audit_log (chain, seq, at, actor, action, target, prev_hash, hash, key_id) VALUES ('admin', ?, ?, 'admin:mallory', 'plan.create', 'junk', ?, 'y', 'a1') RETURNING id",
      )
        .bind(seq, Date.now(), tail.hash)
        .first<{ id: number }>();
    const junk = await insert(tail.seq + 1);
    await insert(Number.MAX_SAFE_INTEGER);
    const write = await adminRaw("POST", "/plans", { name: `plan-${crypto.randomUUID().slice(0, 8)}` });
    expect(write.status).toBe(201);
    expect((await verify()).admin.broken).toEqual({
      seq: tail.seq + 1,
      id: junk?.id,
      reason: "its content does not match its link (it was edited, or relinked without AUDIT_KEY)",
    });
    await env.DB.prepare("DELETE FROM audit_log WHERE target = 'junk'").run();
    expect((await verify()).verified).toBe(true);
  });

  test("a chain that does not verify is not re-sealed, and the refusal is audited", async () => {
    const edited = saved[1] as Row;
    await env.DB.prepare("UPDATE audit_log SET target = 'elsewhere' WHERE id = ?").bind(edited.id).run();
    const res = await adminRaw("POST", "/audit/reseal");
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({
      error: {
        message: `the admin audit chain does not verify at row ${edited.seq}: its content does not match its link (it was edited, or relinked without AUDIT_KEY); it was not re-sealed`,
      },
    });
    const last = await env.DB.prepare(
      "SELECT action, after FROM audit_log WHERE chain = 'admin' ORDER BY seq DESC LIMIT 1",
    ).first<{ action: string; after: string }>();
    expect(last?.action).toBe("audit.resealed");
    expect(JSON.parse(last?.after ?? "{}").chains[0]).toMatchObject({
      chain: "admin",
      refused: expect.any(String),
    });
  });

  test("an admin token whose sub is not well-formed text is refused, and writes nothing", async () => {
    const token = await adminToken({ sub: "mallory\ud800" });
    const res = await call("/admin/v1/plans", {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "surrogate" }),
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({
      error: { message: "invalid admin token: its sub claim is not well-formed Unicode text" },
    });
    expect((await adminRows()).length).toBe(saved.length);
  });

  test("after a tail was removed, new writes still land and the gap stays reported", async () => {
    const newest = saved.at(-1) as Row;
    await env.DB.prepare("DELETE FROM audit_log WHERE id = ?").bind(newest.id).run();
    expect(
      (await adminRaw("POST", "/plans", { name: `plan-${crypto.randomUUID().slice(0, 8)}` })).status,
    ).toBe(201);
    expect((await verify()).admin.broken).toMatchObject({ seq: newest.seq, id: null });
  });
});

const MNEMONIC = "test test test test test test test test test test test junk";
const sanctioned = mnemonicToAccount(MNEMONIC, { addressIndex: 11 });
const recipient = mnemonicToAccount(MNEMONIC, { addressIndex: 12 });

/** Publishes a snapshot listing `address` through the sanctions job. */
async function sanction(address: string): Promise<void> {
  const url = `${env.TEST_LIST_URL}/lists/audit-${crypto.randomUUID()}.txt`;
  await fetch(url, { method: "PUT", body: address });
  await admin("POST", "/sanction-sources", { kind: "list", name: `list-${crypto.randomUUID()}`, url });
  await fireCron("0 * * * *");
}

const sendBody = (raws: Hex[], from = 0) =>
  JSON.stringify(
    raws.map((raw, i) => ({ jsonrpc: "2.0", id: from + i, method: "eth_sendRawTransaction", params: [raw] })),
  );

function signedTransfers(n: number): Promise<Hex[]> {
  return Promise.all(
    Array.from({ length: n }, (_, nonce) =>
      sanctioned.signTransaction({
        chainId: 31337,
        nonce,
        to: recipient.address,
        value: 1n,
        gas: 21_000n,
        maxFeePerGas: parseGwei("20"),
        maxPriorityFeePerGas: parseGwei("1"),
      }),
    ),
  );
}

describe("screening decisions have their own chain", () => {
  beforeEach(resetSanctions);

  test("a thousand concurrent refusals while an admin writes: every refusal recorded, every admin write lands", async () => {
    await sanction(sanctioned.address);
    const f = await fixture({ plan: { cuPerSecond: 10_000_000, burstCu: 100_000_000 } });
    const raws = await signedTransfers(1_000);
    const batches = Array.from({ length: 20 }, (_, i) => raws.slice(i * 50, i * 50 + 50));
    const plans = Array.from({ length: 10 }, () => `plan-${crypto.randomUUID().slice(0, 8)}`);
    const [answers, writes] = await Promise.all([
      Promise.all(
        batches.map(async (batch, i) =>
          (await rpc(f, sendBody(batch, i * 50))).json<{ error?: { data: { code: string } } }[]>(),
        ),
      ),
      Promise.all(plans.map((name) => adminRaw("POST", "/plans", { name }))),
    ]);
    expect(writes.map((r) => r.status)).toEqual(plans.map(() => 201));
    expect(answers.flat().map((a) => a.error?.data.code)).toEqual(raws.map(() => "sanctioned_address"));

    const recorded = await env.DB.prepare(
      "SELECT target FROM audit_log WHERE chain = 'screening' AND action = 'transaction.refused' AND actor = ?",
    )
      .bind(`key:${f.keyId}`)
      .all<{ target: string }>();
    expect(new Set(recorded.results.map((r) => r.target))).toEqual(
      new Set(raws.map((raw) => keccak256(raw))),
    );
    expect(recorded.results).toHaveLength(1_000);
    const adminActions = await env.DB.prepare(
      "SELECT json_extract(after, '$.name') AS name FROM audit_log WHERE chain = 'admin' AND action = 'plan.create'",
    ).all<{ name: string }>();
    expect(adminActions.results.map((r) => r.name)).toEqual(expect.arrayContaining(plans));

    const whole = await verify();
    expect(whole.verified).toBe(true);
    const screening = whole.chains.find((c) => c.chain === "screening") as ChainCheck;
    expect(screening.anchoredSeq).toBeGreaterThanOrEqual(1_000);
    // A report on the last moment walks from the anchor's checkpoint, not from row one.
    const recent = (await verify(new Date(Date.now() + 1_000).toISOString())).chains.find(
      (c) => c.chain === "screening",
    ) as ChainCheck;
    expect(recent).toMatchObject({ verified: true, rows: 0, checkpointSeq: 1_000 });
    // Back-dating the period's rows so a report would start past them, and editing one: still found,
    // because the walk starts at the last checkpoint the anchor wrote before the period, by its own clock.
    const since = new Date(Date.now() - 60_000).toISOString();
    const times = (
      await env.DB.prepare("SELECT id, at FROM audit_log WHERE chain = 'screening' AND seq <= 1000").all<{
        id: number;
        at: number;
      }>()
    ).results;
    await env.DB.prepare("UPDATE audit_log SET at = 0 WHERE chain = 'screening' AND seq <= 1000").run();
    const hidden = (await verify(since)).chains.find((c) => c.chain === "screening") as ChainCheck;
    expect(hidden).toMatchObject({ verified: false, checkpointSeq: 0, broken: { seq: 1 } });
    await env.DB.batch(
      times.map((t) => env.DB.prepare("UPDATE audit_log SET at = ? WHERE id = ?").bind(t.at, t.id)),
    );
  });

  test("a refusal whose row cannot be written fails the call with 503 and sends nothing; the other tenant is served", async () => {
    await sanction(sanctioned.address);
    const [victim, other] = [await fixture(), await fixture()];
    const [raw] = await signedTransfers(1);
    await env.DB.prepare(
      "CREATE TRIGGER refuse_screening BEFORE INSERT ON audit_log WHEN NEW.chain = 'screening' BEGIN SELECT RAISE(ABORT, 'disk full'); END",
    ).run();
    try {
      const res = await rpc(victim, sendBody([raw as Hex]));
      expect(await res.json()).toEqual([
        {
          jsonrpc: "2.0",
          id: 0,
          error: expect.objectContaining({
            code: -32003,
            message:
              "the screening decision on this transaction could not be recorded; nothing was sent, retry",
            data: expect.objectContaining({ code: "screening_unavailable", reason: "audit log unavailable" }),
          }),
        },
      ]);
      const read = await rpc(other, '{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}');
      expect(await read.json()).toEqual({ jsonrpc: "2.0", id: 1, result: "0x7a69" });
    } finally {
      await env.DB.prepare("DROP TRIGGER refuse_screening").run();
    }
    const again = await rpc(victim, sendBody([raw as Hex]));
    expect(await again.json()).toMatchObject([{ error: { data: { code: "sanctioned_address" } } }]);
    expect((await verify()).verified).toBe(true);
  });
});
