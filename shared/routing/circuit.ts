/**
 * @module
 * Circuit breaker for one upstream. Closed: calls flow. After `threshold` failures within
 * `windowMs` it opens: no calls for `coolDownMs`. Then one trial call is let through (half-open);
 * success closes it, failure opens it again. A trial that never reports (its request was cancelled)
 * stops blocking after another cool-down. Pure: time comes in as `now` (ms).
 */

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
  #failures: number[] = [];
  #openedAt = 0;
  #trialAt: number | undefined;

  constructor(options: CircuitOptions = DEFAULT_CIRCUIT) {
    this.#options = options;
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

  success(): void {
    if (this.#state === "closed" && this.#failures.length === 0) return;
    this.#state = "closed";
    this.#failures = [];
    this.#trialAt = undefined;
  }

  failure(now: number): void {
    if (this.#state === "half_open") {
      this.#open(now);
      return;
    }
    if (this.#state === "open") return;
    this.#failures = this.#failures.filter((at) => now - at < this.#options.windowMs);
    this.#failures.push(now);
    if (this.#failures.length >= this.#options.threshold) this.#open(now);
  }

  #open(now: number): void {
    this.#state = "open";
    this.#openedAt = now;
    this.#failures = [];
    this.#trialAt = undefined;
  }
}
