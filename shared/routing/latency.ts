/**
 * @module
 * Recent latency of one upstream: an exponentially weighted mean and the 90th percentile of the
 * last samples. Pure: callers pass the measurements in.
 */

const WINDOW = 32;
const ALPHA = 0.2;

export class LatencyStats {
  #ewma: number | undefined;
  /** The last samples in arrival order (a ring) and the same samples kept sorted. */
  #samples: number[] = [];
  #sorted: number[] = [];
  #next = 0;

  record(ms: number): void {
    this.#ewma = this.#ewma === undefined ? ms : this.#ewma + ALPHA * (ms - this.#ewma);
    if (this.#samples.length < WINDOW) this.#samples.push(ms);
    else {
      this.#sorted.splice(indexOf(this.#sorted, this.#samples[this.#next] as number), 1);
      this.#samples[this.#next] = ms;
    }
    this.#sorted.splice(indexOf(this.#sorted, ms), 0, ms);
    this.#next = (this.#next + 1) % WINDOW;
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
    return this.#sorted[Math.ceil(this.#sorted.length * 0.9) - 1];
  }
}

/** First index in a sorted array whose value is not below `value`. */
function indexOf(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
