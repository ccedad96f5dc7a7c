/**
 * @module
 * The shard's link to its region's directory: after upgrades, closes and key checks it reports how
 * many sockets the shard holds, at most one report per REPORT_INTERVAL_MS, one at a time, each
 * carrying the count when it is sent. However fast sockets come and go, the directory gets at most
 * one report a second from a shard, and a caller waits at most for the report in flight, the rest of
 * the interval and its own: the shard never awaits it on its alarm or close path (it hands it to
 * `waitUntil`), so a busy directory cannot delay the key check. The shard's name, learnt from its
 * first upgrade, is kept in storage for a key check after a restart that cut every socket. A full
 * shard refuses an upgrade with its count, and the stream entrypoint asks the directory again.
 */
import type { Env } from "../../../../shared/config/env";
import { directoryStub, parseShardName } from "../../../../shared/stream/placement";

const NAME_KEY = "shard-name";

/** A shard reports its count at most this often. */
export const REPORT_INTERVAL_MS = 1_000;

/** On a shard's refusal of an upgrade because it is full: its count of sockets. */
export const FULL_HEADER = "x-stream-shard-full";

/** The answer of a full shard to an upgrade: the stream entrypoint tries the next shard. */
export function shardFull(sockets: number): Response {
  return new Response("shard full", { status: 503, headers: { [FULL_HEADER]: String(sockets) } });
}

export class DirectoryLink {
  private name: string | undefined;
  /** The report that will carry the changes made since the last one started. */
  private next: Promise<void> | undefined;
  /** The report being sent. */
  private sending: Promise<void> = Promise.resolve();
  private lastSent = 0;

  constructor(
    private readonly env: Env,
    private readonly storage: DurableObjectStorage,
    /** The sockets the shard holds, and the upgrades it is accepting. */
    private readonly count: () => number,
  ) {}

  /** Learns the shard's name from an upgrade. */
  named(name: string): void {
    if (this.name === name) return;
    this.name = name;
    this.storage.put(NAME_KEY, name).catch(() => undefined);
  }

  /** Tells the directory the shard's count of sockets; resolves once a report started after this call ended. */
  report(): Promise<void> {
    this.next ??= this.sendNext();
    return this.next;
  }

  private async sendNext(): Promise<void> {
    await this.sending;
    const wait = this.lastSent + REPORT_INTERVAL_MS - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    // Changes from now on go in the report after this one.
    this.next = undefined;
    this.lastSent = Date.now();
    this.sending = this.send();
    await this.sending;
  }

  private async send(): Promise<void> {
    try {
      this.name ??= await this.storage.get<string>(NAME_KEY);
      const parts = this.name === undefined ? undefined : parseShardName(this.name);
      if (!parts) return;
      await directoryStub(this.env, parts.chain, parts.region).report({
        index: parts.index,
        sockets: this.count(),
      });
    } catch (err) {
      console.warn(JSON.stringify({ event: "shard_report_failed", error: String(err).slice(0, 200) }));
    }
  }
}
