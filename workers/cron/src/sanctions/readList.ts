/**
 * @module
 * A sanctions list at a URL (plain text or JSON of addresses). A list that cannot be fetched or has
 * no address in it is an error, never an empty list: the source keeps its last good data.
 */
import { type AddressList, parseList } from "../../../../shared/sanctions/list";

const TIMEOUT_MS = 15_000;
const MAX_BYTES = 20 * 1024 * 1024;

export async function readList(url: string): Promise<AddressList> {
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
  if (Number(res.headers.get("content-length") ?? 0) > MAX_BYTES) {
    await res.body?.cancel();
    throw new Error(`the list is over ${MAX_BYTES / 1024 / 1024} MiB`);
  }
  const list = parseList(await res.text());
  if (list.addresses.length === 0) {
    throw new Error(`the list has no addresses (${list.dropped} entries were not addresses)`);
  }
  return list;
}
