/** Frame sizes in bytes: UTF-8 length without encoding, and the over-limit check WebSocket frames use. */
import { describe, expect, test } from "vitest";
import { utf8Exceeds, utf8Length } from "../../../shared/jsonrpc/utf8Length";

describe("utf8Length", () => {
  test.each([
    ["ASCII", "abc"],
    ["two-byte characters", "éü"],
    ["three-byte characters", "€中"],
    ["a surrogate pair", "😀x"],
    ["a lone high surrogate", "a\ud800b"],
    ["a lone low surrogate at the end", "a\udc00"],
    ["an empty string", ""],
  ])("%s match TextEncoder", (_, text) => {
    expect(utf8Length(text)).toBe(new TextEncoder().encode(text).byteLength);
  });
});

describe("utf8Exceeds", () => {
  test("counts bytes, not code units", () => {
    const frame = "€".repeat(400);
    expect(frame.length).toBeLessThan(1024);
    expect(utf8Exceeds(frame, 1024)).toBe(true);
    expect(utf8Exceeds(frame, 1200)).toBe(false);
  });

  test("ASCII at the limit is within it, one over is not", () => {
    expect(utf8Exceeds("a".repeat(1024), 1024)).toBe(false);
    expect(utf8Exceeds("a".repeat(1025), 1024)).toBe(true);
  });
});
