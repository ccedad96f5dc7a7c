/**
 * @module
 * Recent latency of one upstream: an exponentially weighted mean and the 90th percentile of the
 * last samples. Pure: callers pass the measurements in.
 */

const WINDOW = 32;
const ALPHA = 0.2;

export class LatencyStats {
  #ewma: number | undefined;
  #samples: number[] = [];
  #next = 0;
  #p90: number | undefined;

  record(ms: number): void {
    this.#ewma = this.#ewma === undefined ? ms : this.#ewma + ALPHA * (ms - this.#ewma);
    if (this.#samples.length < WINDOW) this.#samples.push(ms);
    else this.#samples[this.#next] = ms;
    this.#next = (this.#next + 1) % WINDOW;
    this.#p90 = undefined;
  }

  get count(): number {
    return this.#samples.length;
  }

  /** Exponentially weighted mean, or undefined before the first sample. */
  get ewma(): number | undefined {
    return this.#ewma;
  }

  /** 90th percentile of the last 32 samples, or undefined before the first sample. */
  get p90(): number | undefined {
    if (this.#p90 === undefined && this.#samples.length > 0) {
      const sorted = [...this.#samples].sort((a, b) => a - b);
      this.#p90 = sorted[Math.ceil(sorted.length * 0.9) - 1] as number;
    }
    return this.#p90;
  }
}
