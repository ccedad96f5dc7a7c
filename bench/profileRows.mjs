// Rows of a V8 CPU profile (the DevTools Profiler's format): self and total time per function, in
// microseconds per request, for bench/profile.mjs.

/** The bundle's line numbers are not the sources'; the function name and bundle line find it. */
const where = (frame) => {
  const file = frame.url ? frame.url.split("/").pop() : "";
  return `${frame.functionName || "(anonymous)"} ${file}:${frame.lineNumber + 1}`;
};

/**
 * @param {{ nodes: { id: number, callFrame: any, children?: number[] }[], samples: number[], timeDeltas: number[] }} profile
 * @param {number} rows
 * @param {number} requests requests served while profiling, to give µs per request
 */
export function summarizeProfile(profile, rows, requests) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  /** Sampled µs per node id. */
  const sampled = new Map();
  profile.samples.forEach((id, i) => {
    sampled.set(id, (sampled.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const self = new Map();
  const total = new Map();
  let idle = 0;
  let all = 0;
  for (const [id, us] of sampled) {
    all += us;
    const frame = byId.get(id).callFrame;
    if (frame.functionName === "(idle)") idle += us;
    const name = where(frame);
    self.set(name, (self.get(name) ?? 0) + us);
    // Each function on the stack once, however often it recurs.
    const seen = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const key = where(byId.get(at).callFrame);
      if (seen.has(key)) continue;
      seen.add(key);
      total.set(key, (total.get(key) ?? 0) + us);
    }
  }
  const perRequest = (us) => Math.round((us / requests) * 100) / 100;
  const table = (map, keep) =>
    [...map]
      .filter(([name]) => keep(name))
      .sort((a, b) => b[1] - a[1])
      .slice(0, rows)
      .map(([name, us]) => ({ function: name, us_per_request: perRequest(us) }));
  return {
    self: table(self, (name) => !name.startsWith("(idle)")),
    total: table(total, (name) => /\.js:/.test(name) && !name.startsWith("(")),
    idlePct: Math.round((idle / all) * 100),
    busyUsPerRequest: perRequest(all - idle),
  };
}
