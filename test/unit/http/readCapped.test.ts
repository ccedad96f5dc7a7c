// A body read up to a byte cap (upstream answers, sanctions lists): streamed, cut off as soon as it
// passes the cap, refused up front when its Content-Length says it is over.
import { expect, test } from "vitest";
import { readCapped, readCappedBytes } from "../../../shared/http/readCapped";

/** A response streaming `chunks` (no Content-Length); counts the chunks pulled. */
function streamed(chunks: number[]) {
  const pulled = { count: 0 };
  let i = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (i === chunks.length) return controller.close();
      pulled.count++;
      controller.enqueue(new Uint8Array(chunks[i++] as number).fill(0x61));
    },
  });
  return { res: new Response(body), pulled };
}

test("a body within the cap is read whole", async () => {
  const { res } = streamed([400, 400, 200]);
  expect((await readCappedBytes(res, 1000))?.byteLength).toBe(1000);
});

test("a streamed body stops at the chunk that passes the cap, without reading the rest", async () => {
  const { res, pulled } = streamed([600, 600, 600, 600]);
  expect(await readCappedBytes(res, 1000)).toBeUndefined();
  expect(pulled.count).toBe(2);
});

test("a Content-Length over the cap is refused before reading", async () => {
  const { res, pulled } = streamed([600, 600]);
  const declared = new Response(res.body, { headers: { "content-length": "1200" } });
  expect(await readCapped(declared, 1000)).toBeUndefined();
  expect(pulled.count).toBeLessThanOrEqual(1);
});

test("an empty body is empty", async () => {
  expect((await readCappedBytes(new Response(null), 10))?.byteLength).toBe(0);
  expect(await readCapped(new Response(null), 10)).toBe("");
});
