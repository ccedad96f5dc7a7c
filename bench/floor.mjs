// The gateway against the floor (bench/floor: parse, forward, parse the reply, nothing else), the
// limit of any gateway that reads the call (see run.mjs). Both are in the baseline's alternation and
// its one-connection segments, on the same call stream.
//
//   gateway_vs_floor                        req/s of the gateway, every feature on (metering,
//                                           screening, metrics, the key's rules), over the floor's
//                                           under load. Target >= 0.90.
//   gateway_p50_added_over_floor_ms_1conn   p50 of the gateway minus the floor's with one connection:
//                                           what a lone client feels. Target <= 0.2 ms.
const round2 = (x) => Math.round(x * 100) / 100;

export const FLOOR_TARGETS = { gateway_vs_floor: 0.9, gateway_p50_added_over_floor_ms_1conn: 0.2 };

const verdict = (ok) => (ok ? "PASS" : "MISS");

/** The ratios against the floor that the scenarios allow (the 1-connection one when they were run), printed. */
export function floorRatios({ gateway, floor, gateway_1conn, floor_1conn }) {
  const ratios = { gateway_vs_floor: round2(gateway.rps / floor.rps) };
  let line = `gateway/floor req/s: ${ratios.gateway_vs_floor} (target >= ${FLOOR_TARGETS.gateway_vs_floor}) ${verdict(ratios.gateway_vs_floor >= FLOOR_TARGETS.gateway_vs_floor)}`;
  if (gateway_1conn && floor_1conn) {
    const added = round2(gateway_1conn.p50_ms - floor_1conn.p50_ms);
    ratios.gateway_p50_added_over_floor_ms_1conn = added;
    const target = FLOOR_TARGETS.gateway_p50_added_over_floor_ms_1conn;
    line += `; p50 added over the floor with one connection: ${added} ms (target <= ${target}) ${verdict(added <= target)}`;
  }
  console.log(line);
  return ratios;
}
