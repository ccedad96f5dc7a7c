import { describe, expect, test } from "vitest";
import { InvalidParamsError } from "../../../shared/errors/kinds";
import { type LogFilter, matchesLog, parseLogFilter } from "../../../shared/stream/logFilter";

const addr = (b: string) => `0x${b.repeat(20)}`;
const topic = (b: string) => `0x${b.repeat(32)}`;
const A1 = addr("a1");
const A2 = addr("a2");
const T1 = topic("01");
const T2 = topic("02");
const T3 = topic("03");
const TA = topic("ab");

/** The filter as plain data, for comparing: sets as sorted arrays. */
const plain = (f: LogFilter) => ({
  addresses: f.addresses && [...f.addresses].sort(),
  topics: f.topics.map((s) => s && [...s].sort()),
});

describe("parseLogFilter accepts", () => {
  test.each([
    { name: "undefined: everything", raw: undefined, want: { addresses: undefined, topics: [] } },
    { name: "null: everything", raw: null, want: { addresses: undefined, topics: [] } },
    { name: "an empty filter: everything", raw: {}, want: { addresses: undefined, topics: [] } },
    { name: "a single address", raw: { address: A1 }, want: { addresses: [A1], topics: [] } },
    { name: "an array of addresses", raw: { address: [A2, A1] }, want: { addresses: [A1, A2], topics: [] } },
    { name: "a repeated address, once", raw: { address: [A1, A1] }, want: { addresses: [A1], topics: [] } },
    {
      name: "mixed-case addresses, lower-cased",
      raw: { address: `0x${"Ab".repeat(20)}` },
      want: { addresses: [addr("ab")], topics: [] },
    },
    {
      name: "a 0X prefix, lower-cased",
      raw: { address: `0X${"a1".repeat(20)}` },
      want: { addresses: [A1], topics: [] },
    },
    {
      name: "null address and topics as absent",
      raw: { address: null, topics: null },
      want: { addresses: undefined, topics: [] },
    },
    { name: "empty topics", raw: { topics: [] }, want: { addresses: undefined, topics: [] } },
    {
      name: "single topics by position",
      raw: { topics: [T1, T2] },
      want: { addresses: undefined, topics: [[T1], [T2]] },
    },
    {
      name: "null positions as wildcards, trailing ones kept",
      raw: { topics: [null, T2, null] },
      want: { addresses: undefined, topics: [null, [T2], null] },
    },
    {
      name: "nested arrays as alternatives",
      raw: { topics: [[T1, T2], [T3]] },
      want: { addresses: undefined, topics: [[T1, T2], [T3]] },
    },
    {
      name: "an empty alternative list as a wildcard",
      raw: { topics: [[], [T3]] },
      want: { addresses: undefined, topics: [null, [T3]] },
    },
    {
      name: "an alternative list with a null as a wildcard",
      raw: { topics: [[T1, null], T3] },
      want: { addresses: undefined, topics: [null, [T3]] },
    },
    {
      name: "mixed-case topics, lower-cased",
      raw: { topics: [`0x${"AB".repeat(32)}`, [`0x${"aB".repeat(32)}`]] },
      want: { addresses: undefined, topics: [[TA], [TA]] },
    },
    {
      name: "4 positions",
      raw: { address: [A1], topics: [T1, null, [T2], T3] },
      want: { addresses: [A1], topics: [[T1], null, [T2], [T3]] },
    },
    {
      name: "1000 addresses",
      raw: { address: Array.from({ length: 1000 }, (_, i) => `0x${i.toString(16).padStart(40, "0")}`) },
      want: {
        addresses: Array.from({ length: 1000 }, (_, i) => `0x${i.toString(16).padStart(40, "0")}`).sort(),
        topics: [],
      },
    },
  ])("$name", ({ raw, want }) => {
    expect(plain(parseLogFilter(raw))).toEqual(want);
  });

  test("1000 topics in total, over several positions", () => {
    const many = (n: number, at: number) =>
      Array.from({ length: n }, (_, i) => `0x${(at + i).toString(16).padStart(64, "0")}`);
    const f = parseLogFilter({ topics: [T1, T2, many(500, 0), many(498, 1000)] });
    expect(f.topics.map((s) => s?.size)).toEqual([1, 1, 500, 498]);
  });
});

describe("parseLogFilter refuses", () => {
  const many = (n: number, width: number) =>
    Array.from({ length: n }, (_, i) => `0x${i.toString(16).padStart(width, "0")}`);
  test.each([
    { name: "a string", raw: "0x1", message: "logs filter: is not an object" },
    { name: "an array", raw: [{}], message: "logs filter: is not an object" },
    { name: "a number", raw: 1, message: "logs filter: is not an object" },
    ...["fromBlock", "toBlock", "blockHash"].map((key) => ({
      name: key,
      raw: { [key]: "latest", address: A1 },
      message: `logs filter: ${key} is not supported: a subscription follows the chain head; use eth_getLogs for past blocks`,
    })),
    {
      name: "an unknown key",
      raw: { address: A1, topic: [T1] },
      message: 'logs filter: unknown key "topic"; only address and topics are allowed',
    },
    {
      name: "an address without 0x",
      raw: { address: "a1".repeat(20) },
      message: "logs filter: address is not a 20-byte hex string",
    },
    {
      name: "a short address",
      raw: { address: `0x${"a1".repeat(19)}` },
      message: "logs filter: address is not a 20-byte hex string",
    },
    {
      name: "a long address",
      raw: { address: `0x${"a1".repeat(20)}0` },
      message: "logs filter: address is not a 20-byte hex string",
    },
    {
      name: "a 32-byte address",
      raw: { address: T1 },
      message: "logs filter: address is not a 20-byte hex string",
    },
    {
      name: "an address with a non-hex digit",
      raw: { address: `0x${"a1".repeat(19)}g1` },
      message: "logs filter: address is not a 20-byte hex string",
    },
    {
      name: "an address that is a number",
      raw: { address: 1 },
      message: "logs filter: address is not a 20-byte hex string or an array of them",
    },
    {
      name: "an address that is an object",
      raw: { address: { a: A1 } },
      message: "logs filter: address is not a 20-byte hex string or an array of them",
    },
    {
      name: "an empty address array",
      raw: { address: [] },
      message: "logs filter: address is an empty array; omit it to match every address",
    },
    {
      name: "a bad address in an array",
      raw: { address: [A1, A2, "0xa1"] },
      message: "logs filter: address[2] is not a 20-byte hex string",
    },
    {
      name: "a null in the address array",
      raw: { address: [null] },
      message: "logs filter: address[0] is not a 20-byte hex string",
    },
    {
      name: "1001 addresses",
      raw: { address: many(1001, 40) },
      message: "logs filter: address has 1001 entries; the limit is 1000",
    },
    { name: "topics that are a string", raw: { topics: T1 }, message: "logs filter: topics is not an array" },
    {
      name: "topics that are an object",
      raw: { topics: { 0: T1 } },
      message: "logs filter: topics is not an array",
    },
    {
      name: "5 topic positions",
      raw: { topics: [T1, null, null, null, null] },
      message: "logs filter: topics has 5 positions; the limit is 4",
    },
    {
      name: "a short topic",
      raw: { topics: [null, `0x${"01".repeat(31)}`] },
      message: "logs filter: topics[1] is not a 32-byte hex string",
    },
    {
      name: "a topic without 0x",
      raw: { topics: ["01".repeat(32)] },
      message: "logs filter: topics[0] is not a 32-byte hex string",
    },
    {
      name: "a 20-byte topic",
      raw: { topics: [A1] },
      message: "logs filter: topics[0] is not a 32-byte hex string",
    },
    {
      name: "a topic position that is a number",
      raw: { topics: [T1, T2, 3] },
      message: "logs filter: topics[2] is not null, a 32-byte hex string or an array of them",
    },
    {
      name: "a topic position that is an object",
      raw: { topics: [{}] },
      message: "logs filter: topics[0] is not null, a 32-byte hex string or an array of them",
    },
    {
      name: "a bad topic among alternatives",
      raw: { topics: [T1, ["0x01", T2]] },
      message: "logs filter: topics[1][0] is not a 32-byte hex string",
    },
    {
      name: "a bad topic after a null among alternatives",
      raw: { topics: [[null, T1, "nope"]] },
      message: "logs filter: topics[0][2] is not a 32-byte hex string",
    },
    {
      name: "an array nested too deep",
      raw: { topics: [[T1, [T2]]] },
      message: "logs filter: topics[0][1] is not a 32-byte hex string",
    },
    {
      name: "1001 topics in one position",
      raw: { topics: [many(1001, 64)] },
      message: "logs filter: topics has over 1000 topics in total; the limit is 1000",
    },
    {
      name: "1001 topics over several positions",
      raw: { topics: [T1, many(500, 64), many(500, 64)] },
      message: "logs filter: topics has over 1000 topics in total; the limit is 1000",
    },
  ])("$name", ({ raw, message }) => {
    let thrown: unknown;
    try {
      parseLogFilter(raw);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(InvalidParamsError);
    expect((thrown as InvalidParamsError).message).toBe(message);
    expect((thrown as InvalidParamsError).toJsonRpc().code).toBe(-32602);
  });
});

describe("matchesLog", () => {
  const log = (address: string, ...topics: string[]) => ({ address, topics });
  test.each([
    { name: "the empty filter matches a log without topics", filter: {}, log: log(A1), want: true },
    { name: "the empty filter matches a log with topics", filter: {}, log: log(A1, T1, T2), want: true },
    { name: "the address matches", filter: { address: A1 }, log: log(A1, T1), want: true },
    { name: "another address does not", filter: { address: A1 }, log: log(A2, T1), want: false },
    { name: "either of two addresses matches (A1)", filter: { address: [A1, A2] }, log: log(A1), want: true },
    { name: "either of two addresses matches (A2)", filter: { address: [A1, A2] }, log: log(A2), want: true },
    { name: "neither of two addresses", filter: { address: [A1, A2] }, log: log(addr("a3")), want: false },
    {
      name: "a checksummed log address matches its lower-case filter",
      filter: { address: addr("ab") },
      log: log(`0x${"aB".repeat(20)}`),
      want: true,
    },
    {
      name: "a mixed-case filter matches a lower-case log address",
      filter: { address: `0x${"AB".repeat(20)}` },
      log: log(addr("ab")),
      want: true,
    },
    { name: "topic 0 matches", filter: { topics: [T1] }, log: log(A1, T1, T2), want: true },
    { name: "topic 0 differs", filter: { topics: [T1] }, log: log(A1, T2, T1), want: false },
    { name: "topics are positional", filter: { topics: [T2, T1] }, log: log(A1, T1, T2), want: false },
    { name: "both positions match", filter: { topics: [T1, T2] }, log: log(A1, T1, T2, T3), want: true },
    { name: "a wildcard then a match", filter: { topics: [null, T2] }, log: log(A1, T3, T2), want: true },
    { name: "a wildcard then a miss", filter: { topics: [null, T2] }, log: log(A1, T2, T3), want: false },
    { name: "either topic at a position (T1)", filter: { topics: [[T1, T2]] }, log: log(A1, T1), want: true },
    { name: "either topic at a position (T2)", filter: { topics: [[T1, T2]] }, log: log(A1, T2), want: true },
    { name: "neither topic at a position", filter: { topics: [[T1, T2]] }, log: log(A1, T3), want: false },
    {
      name: "an empty alternative list matches anything",
      filter: { topics: [[], T2] },
      log: log(A1, T3, T2),
      want: true,
    },
    {
      name: "a null alternative matches anything",
      filter: { topics: [[T1, null]] },
      log: log(A1, T3),
      want: true,
    },
    { name: "a filter longer than the log", filter: { topics: [T1, T2] }, log: log(A1, T1), want: false },
    {
      name: "a filter longer than the log, even with trailing wildcards",
      filter: { topics: [T1, null] },
      log: log(A1, T1),
      want: false,
    },
    { name: "a single wildcard needs one topic", filter: { topics: [null] }, log: log(A1), want: false },
    {
      name: "a mixed-case log topic matches",
      filter: { topics: [TA] },
      log: log(A1, `0x${"Ab".repeat(32)}`),
      want: true,
    },
    {
      name: "address and topics must both match (topic misses)",
      filter: { address: A1, topics: [T1] },
      log: log(A1, T2),
      want: false,
    },
    {
      name: "address and topics must both match (address misses)",
      filter: { address: A1, topics: [T1] },
      log: log(A2, T1),
      want: false,
    },
    {
      name: "address and topics both match",
      filter: { address: [A2, A1], topics: [[T2, T1], null, T3] },
      log: log(A1, T1, T2, T3),
      want: true,
    },
  ])("$name", ({ filter, log, want }) => {
    expect(matchesLog(parseLogFilter(filter), log)).toBe(want);
  });
});
