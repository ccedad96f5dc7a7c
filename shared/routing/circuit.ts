/**
 * @module
 * Circuit breaker for one upstream, shared by every tenant of the isolate. Closed: calls flow. When
 * `threshold` failures within `windowMs` are confirmed (the rule in ./confirmation.ts: calls of two
 * tenants, or the gateway's own) it opens: no calls for `coolDownMs`. Then one trial call is let
 * through (half-open); success closes it, failure opens it again. A trial that never reports stops
 * blocking after another cool-down. A success reported while open changes nothing: it is a call
 * admitted before the circuit opened, answering late. Pure: time comes in as `now` (ms); whoever
 * wants to know of each opening passes `onOpen`, called with its time (nothing else calls out).
 */

import { type Caller, isConfirmed, Witnesses } from "./confirmation";

export type CircuitState = "closed" | "open" | "half_open";

export interface CircuitOptions {
  threshold: number;
  windowMs: number;
  coolDownMs: number;
}

export const DEFAULT_CIRCUIT: CircuitOptions = { threshold: 3, windowMs: 10_000, coolDownMs: 5_000 };

export class Circuit {
  readonly #options: CircuitOptions;
  #state: CircuitState = "closed";
  /** The newest failures since the last success, at most `threshold` of them. */
  #failures: number[] = [];
  /** Whose calls those failures were. */
  readonly #witnesses: Witnesses;
  #openedAt = 0;
  #trialAt: number | undefined;
  readonly #onOpen: ((at: number) => void) | undefined;

  /** `onOpen` is told the time of every opening, a failed trial's included. */
  constructor(options: CircuitOptions = DEFAULT_CIRCUIT, onOpen?: (at: number) => void) {
    this.#options = options;
    this.#witnesses = new Witnesses(options.windowMs);
    this.#onOpen = onOpen;
  }

  /** The state as of `now`: an open circuit whose cool-down is over reads as half-open. */
  state(now: number): CircuitState {
    if (this.#state === "open" && now - this.#openedAt >= this.#options.coolDownMs) return "half_open";
    return this.#state;
  }

  /** Whether a call may go now; in half-open, only the one trial call gets true. */
  admit(now: number): boolean {
    const state = this.state(now);
    if (state === "closed") return true;
    if (state === "open") return false;
    if (this.#trialAt !== undefined && now - this.#trialAt < this.#options.coolDownMs) return false;
    this.#state = "half_open";
    this.#trialAt = now;
    return true;
  }

  /**
   * Closed, with `threshold` failures in the window that are not confirmed (one tenant's): the time
   * of the oldest of them, so that a probe made since can be told from one made before; otherwise
   * undefined.
   */
  suspectSince(now: number): number | undefined {
    if (this.#state !== "closed" || !this.#full(now)) return undefined;
    return isConfirmed(this.#witnesses.witnessed(now)) ? undefined : this.#failures[0];
  }

  success(): void {
    if (this.#state === "open") return;
    if (this.#state === "closed" && this.#failures.length === 0) return;
    this.#state = "closed";
    this.#reset();
  }

  /**
   * A failed call of `by` (a tenant's id, or GATEWAY for the gateway's own) at `at`, which may be
   * earlier than failures already recorded (a snapshot's reading, at its own time).
   */
  failure(at: number, by: Caller): void {
    if (this.#state === "half_open") {
      this.#open(at);
      return;
    }
    if (this.#state === "open") return;
    const newest = Math.max(at, this.#failures.at(-1) ?? at);
    this.#failures = [...this.#failures, at]
      .filter((t) => newest - t < this.#options.windowMs)
      .sort((x, y) => x - y)
      .slice(-this.#options.threshold);
    this.#witnesses.record(by, at);
    if (this.#full(newest) && isConfirmed(this.#witnesses.witnessed(newest))) this.#open(newest);
  }

  /** Whether `threshold` failures fall within the window ending at `now`. */
  #full(now: number): boolean {
    const oldest = this.#failures[0];
    return (
      this.#failures.length >= this.#options.threshold &&
      oldest !== undefined &&
      now - oldest < this.#options.windowMs
    );
  }

  #open(now: number): void {
    this.#state = "open";
    this.#openedAt = now;
    this.#reset();
    this.#onOpen?.(now);
  }

  #reset(): void {
    this.#failures = [];
    this.#trialAt = undefined;
    this.#witnesses.clear();
  }
}
