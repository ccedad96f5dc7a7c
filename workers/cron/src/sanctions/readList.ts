/**
 * @module
 * A sanctions list at a URL (plain text or JSON of addresses). A list that cannot be fetched, is over
 * the byte cap, differs from its pinned SHA-256 or has no address in it is an error, never an empty
 * list: the source keeps its last good data.
 */
import { toHex } from "../../../../shared/crypto/hash";
import { readCappedBytes } from "../../../../shared/http/readCapped";
import { type AddressList, parseList } from "../../../../shared/sanctions/list";

const TIMEOUT_MS = 15_000;

export interface ReadListOptions {
  /** The largest body read, in bytes (SANCTIONS_MAX_LIST_BYTES). */
  maxBytes: number;
  /** The SHA-256 (hex) the body must have; null: any body. */
  sha256?: string | null;
}

export async function readList(url: string, options: ReadListOptions): Promise<AddressList> {
  const res = await fetch(url, {
    headers: { accept: "text/plain, application/json" },
    // A redirect is not followed: the list must be at the URL the admin gave.
    redirect: "manual",
    signal: AbortSignal.timeout(TIMEOUT_MS),
  }).catch((err: unknown) => {
    throw new Error(`the list could not be fetched: ${err instanceof Error ? err.message : String(err)}`);
  });
  if (!res.ok) {
    await res.body?.cancel();
    const moved =
      res.status >= 300 && res.status < 400 ? " (a redirect, not followed: give the final URL)" : "";
    throw new Error(`the list answered HTTP ${res.status}${moved}`);
  }
  const body = await readCappedBytes(res, options.maxBytes);
  if (!body) throw new Error(`list body over ${options.maxBytes} bytes`);
  if (options.sha256) {
    const actual = toHex(await crypto.subtle.digest("SHA-256", body));
    if (actual !== options.sha256.toLowerCase()) {
      throw new Error(
        `list body sha256 ${actual} does not match the pinned ${options.sha256} (if the list changed on purpose, update the source's sha256)`,
      );
    }
  }
  const list = parseList(new TextDecoder().decode(body));
  if (list.addresses.length === 0) {
    throw new Error(`the list has no addresses (${list.dropped} entries were not addresses)`);
  }
  return list;
}
