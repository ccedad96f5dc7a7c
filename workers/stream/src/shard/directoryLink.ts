/**
 * @module
 * The shard's link to its region's directory: after each upgrade, close and key check it reports how
 * many sockets the shard holds, one call at a time, each started after the change it reports, so the
 * last carries the latest count. The shard's name, learnt from its first upgrade, is kept in storage
 * for a key check after a restart that cut every socket. A full shard refuses an upgrade with its
 * count, and the stream entrypoint asks the directory again.
 */
import type { Env } from "../../../../shared/config/env";
import { directoryStub, parseShardName } from "../../../../shared/stream/placement";

const NAME_KEY = "shard-name";

/** On a shard's refusal of an upgrade because it is full: its count of sockets. */
export const FULL_HEADER = "x-stream-shard-full";

/** The answer of a full shard to an upgrade: the stream entrypoint tries the next shard. */
export function shardFull(sockets: number): Response {
  return new Response("shard full", { status: 503, headers: { [FULL_HEADER]: String(sockets) } });
}

export class DirectoryLink {
  private name: string | undefined;
  /** Set by a report asked for after the running one read its count. */
  private again = false;
  private running: Promise<void> | undefined;

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

  /** Tells the directory the shard's count of sockets; resolves once a report made after this call ended. */
  report(): Promise<void> {
    this.again = true;
    this.running ??= this.send();
    return this.running;
  }

  private async send(): Promise<void> {
    // First a turn, so that `running` is set before the finally below clears it.
    await Promise.resolve();
    try {
      this.name ??= await this.storage.get<string>(NAME_KEY);
      const parts = this.name === undefined ? undefined : parseShardName(this.name);
      if (!parts) return;
      const directory = directoryStub(this.env, parts.chain, parts.region);
      while (this.again) {
        this.again = false;
        await directory.report({ index: parts.index, sockets: this.count() }).catch((err: unknown) => {
          console.warn(JSON.stringify({ event: "shard_report_failed", error: String(err).slice(0, 200) }));
        });
      }
    } finally {
      this.again = false;
      this.running = undefined;
    }
  }
}
