import { unstable_getMiniflareWorkerOptions } from "wrangler";
for (const p of ["wrangler.toml", "bench/bare/wrangler.toml"]) {
  const o = unstable_getMiniflareWorkerOptions(p);
  console.log(p, JSON.stringify(o.workerOptions, null, 1).slice(0, 3000), o.main, o.define);
}
