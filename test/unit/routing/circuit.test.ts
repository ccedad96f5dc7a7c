/**
 * The per-upstream circuit breaker, driven with explicit timestamps. The failures here are the
 * gateway's own (probes), which need no other confirmation; who may open it: circuitRule.test.ts.
 */
import { describe, expect, test } from "vitest";
import { Circuit, DEFAULT_CIRCUIT } from "../../../shared/routing/circuit";
import { GATEWAY } from "../../../shared/routing/confirmation";

/** A default circuit opened by three failures, the last at `at`. */
function openedAt(at: number): Circuit {
  const circuit = new Circuit();
  circuit.failure(at - 2, GATEWAY);
  circuit.failure(at - 1, GATEWAY);
  circuit.failure(at, GATEWAY);
  return circuit;
}

describe("Circuit", () => {
  test("defaults to 3 failures within 10 s, then a 5 s cool-down", () => {
    expect(DEFAULT_CIRCUIT).toEqual({ threshold: 3, windowMs: 10_000, coolDownMs: 5_000 });
  });

  test("starts closed and admits calls", () => {
    const circuit = new Circuit();
    expect(circuit.state(0)).toBe("closed");
    expect(circuit.admit(0)).toBe(true);
    expect(circuit.admit(1)).toBe(true);
  });

  test("stays closed after two failures", () => {
    const circuit = new Circuit();
    circuit.failure(0, GATEWAY);
    circuit.failure(1_000, GATEWAY);
    expect(circuit.state(1_000)).toBe("closed");
    expect(circuit.admit(1_000)).toBe(true);
  });

  test("opens after 3 failures within the 10 s window", () => {
    const circuit = new Circuit();
    circuit.failure(0, GATEWAY);
    circuit.failure(4_000, GATEWAY);
    circuit.failure(9_999, GATEWAY);
    expect(circuit.state(9_999)).toBe("open");
    expect(circuit.admit(9_999)).toBe(false);
  });

  test("does not open when 3 failures are spread over more than the window", () => {
    const circuit = new Circuit();
    circuit.failure(0, GATEWAY);
    circuit.failure(5_000, GATEWAY);
    circuit.failure(10_000, GATEWAY); // the failure at 0 is exactly 10 s old and rolls off
    expect(circuit.state(10_000)).toBe("closed");
    expect(circuit.admit(10_000)).toBe(true);
  });

  test("opens once 3 failures fall within one window, after older ones rolled off", () => {
    const circuit = new Circuit();
    circuit.failure(0, GATEWAY);
    circuit.failure(6_000, GATEWAY);
    circuit.failure(12_000, GATEWAY);
    expect(circuit.state(12_000)).toBe("closed");
    circuit.failure(12_500, GATEWAY);
    expect(circuit.state(12_500)).toBe("open");
  });

  test("an open circuit rejects calls for the whole cool-down", () => {
    const circuit = openedAt(1_000);
    expect(circuit.admit(1_000)).toBe(false);
    expect(circuit.admit(5_999)).toBe(false);
    expect(circuit.state(5_999)).toBe("open");
    expect(circuit.state(6_000)).toBe("half_open");
  });

  test("after the cool-down, exactly one trial call is admitted", () => {
    const circuit = openedAt(1_000);
    expect(circuit.admit(6_000)).toBe(true);
    expect(circuit.state(6_000)).toBe("half_open");
    expect(circuit.admit(6_000)).toBe(false);
    expect(circuit.admit(6_001)).toBe(false);
    expect(circuit.admit(10_999)).toBe(false);
  });

  test("a successful trial closes the circuit", () => {
    const circuit = openedAt(1_000);
    expect(circuit.admit(6_000)).toBe(true);
    circuit.success();
    expect(circuit.state(6_001)).toBe("closed");
    expect(circuit.admit(6_001)).toBe(true);
    expect(circuit.admit(6_002)).toBe(true);
  });

  test("a failed trial opens the circuit again for a fresh cool-down", () => {
    const circuit = openedAt(1_000);
    expect(circuit.admit(6_000)).toBe(true);
    circuit.failure(7_000, GATEWAY);
    expect(circuit.state(7_000)).toBe("open");
    expect(circuit.admit(11_999)).toBe(false);
    expect(circuit.state(12_000)).toBe("half_open");
    expect(circuit.admit(12_000)).toBe(true);
    expect(circuit.admit(12_001)).toBe(false);
  });

  test("a trial that never reports stops blocking after another cool-down", () => {
    const circuit = openedAt(1_000);
    expect(circuit.admit(6_000)).toBe(true);
    expect(circuit.admit(10_999)).toBe(false);
    expect(circuit.admit(11_000)).toBe(true);
    expect(circuit.admit(11_001)).toBe(false);
    expect(circuit.state(11_001)).toBe("half_open");
  });

  test("failures reported while open do not extend the cool-down", () => {
    const circuit = openedAt(2_000);
    circuit.failure(6_000, GATEWAY); // a call admitted before the circuit opened, failing late
    expect(circuit.state(7_000)).toBe("half_open");
    expect(circuit.admit(7_000)).toBe(true);
  });

  test("a success resets the failure count", () => {
    const circuit = new Circuit();
    circuit.failure(0, GATEWAY);
    circuit.failure(1, GATEWAY);
    circuit.success();
    circuit.failure(2, GATEWAY);
    circuit.failure(3, GATEWAY);
    expect(circuit.state(3)).toBe("closed");
    circuit.failure(4, GATEWAY);
    expect(circuit.state(4)).toBe("open");
  });

  test("a circuit that closed after a trial needs a full threshold of failures to open again", () => {
    const circuit = openedAt(1_000);
    expect(circuit.admit(6_000)).toBe(true);
    circuit.success();
    circuit.failure(6_100, GATEWAY);
    circuit.failure(6_200, GATEWAY);
    expect(circuit.state(6_200)).toBe("closed");
    circuit.failure(6_300, GATEWAY);
    expect(circuit.state(6_300)).toBe("open");
  });

  test("honours custom options", () => {
    const circuit = new Circuit({ threshold: 1, windowMs: 1_000, coolDownMs: 100 });
    circuit.failure(0, GATEWAY);
    expect(circuit.state(0)).toBe("open");
    expect(circuit.admit(99)).toBe(false);
    expect(circuit.admit(100)).toBe(true);
    expect(circuit.admit(101)).toBe(false);
  });
});

describe("Circuit: late answers", () => {
  test("a success reported while open (a call admitted before it opened) does not close it", () => {
    const circuit = openedAt(1_000);
    circuit.success();
    expect(circuit.state(1_001)).toBe("open");
    expect(circuit.admit(5_999)).toBe(false);
    expect(circuit.admit(6_000)).toBe(true);
  });

  test("tells onOpen of each opening, a failed trial's included, and of nothing else", () => {
    const opened: number[] = [];
    const circuit = new Circuit(DEFAULT_CIRCUIT, (at) => opened.push(at));
    circuit.failure(0, GATEWAY);
    circuit.failure(500, GATEWAY);
    expect(opened).toEqual([]);
    circuit.failure(1_000, GATEWAY);
    // Failures while open change nothing.
    circuit.failure(2_000, GATEWAY);
    expect(opened).toEqual([1_000]);
    expect(circuit.admit(6_000)).toBe(true);
    circuit.failure(6_100, GATEWAY);
    expect(opened).toEqual([1_000, 6_100]);
    expect(circuit.admit(11_100)).toBe(true);
    circuit.success();
    circuit.failure(12_000, GATEWAY);
    expect(opened).toEqual([1_000, 6_100]);
  });
});
