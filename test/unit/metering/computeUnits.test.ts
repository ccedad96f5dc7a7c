import { describe, expect, test } from "vitest";
import { cuOf, cuOfCalls, DEFAULT_CU } from "../../../shared/metering/computeUnits";

describe("cuOf", () => {
  test.each([
    ["eth_blockNumber", 10],
    ["eth_call", 26],
    ["eth_getLogs", 75],
    ["eth_sendRawTransaction", 250],
    ["eth_chainId", 0],
    ["debug_traceTransaction", 309],
  ])("%s costs %i CU", (method, cost) => {
    expect(cuOf(method)).toBe(cost);
  });

  test("a method not in the table costs the default", () => {
    expect(DEFAULT_CU).toBe(20);
    expect(cuOf("eth_someFutureMethod")).toBe(DEFAULT_CU);
  });

  test("names from Object.prototype are not methods with a cost", () => {
    expect(cuOf("constructor")).toBe(DEFAULT_CU);
    expect(cuOf("__proto__")).toBe(DEFAULT_CU);
    expect(cuOf("toString")).toBe(DEFAULT_CU);
  });

  test("method names are exact: a different case is another, unknown method", () => {
    expect(cuOf("ETH_CALL")).toBe(DEFAULT_CU);
  });
});

describe("cuOfCalls", () => {
  test("a batch costs the sum of its items", () => {
    expect(cuOfCalls(["eth_blockNumber", "eth_call", "eth_getLogs", "eth_unknown"])).toBe(
      10 + 26 + 75 + DEFAULT_CU,
    );
  });

  test("the same method twice costs twice", () => {
    expect(cuOfCalls(["eth_call", "eth_call"])).toBe(52);
  });

  test("nothing costs nothing", () => {
    expect(cuOfCalls([])).toBe(0);
  });
});
