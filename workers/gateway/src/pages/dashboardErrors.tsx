/**
 * @module
 * The dashboard's errors by code: each JSON-RPC code with its short name (the gateway's own codes,
 * shared/errors/kinds.ts, and EIP-1474's), how often the key got it and when last.
 */
import type { KeyErrorsView } from "../../../../shared/metering/keyErrorsView";

/** Short names of the codes the gateway answers with (kinds.ts) and the standard ones nodes use. */
const CODE_NAMES: Record<number, string> = {
  [-32700]: "parse error",
  [-32600]: "invalid request",
  [-32601]: "method not found or not allowed",
  [-32602]: "invalid params or over a limit",
  [-32603]: "internal error",
  [-32000]: "invalid input (node) or filter not found",
  [-32001]: "resource not found",
  [-32002]: "resource unavailable",
  [-32003]: "transaction rejected",
  [-32004]: "method not supported",
  [-32005]: "limit exceeded",
  [-32006]: "JSON-RPC version not supported",
  [-32010]: "chain not found",
  [-32011]: "upstream timeout",
  [-32012]: "upstream unavailable",
  [-32013]: "no upstream",
  [-32014]: "unsupported by upstreams",
  [-32015]: "meter unavailable",
  [-32016]: "key refused (unauthorized or forbidden)",
  3: "execution reverted",
};

/** The code's short name, or undefined when the project has none for it. */
export function codeName(code: number): string | undefined {
  return Object.hasOwn(CODE_NAMES, code) ? CODE_NAMES[code] : undefined;
}

const when = (ms: number) => `${new Date(ms).toISOString().slice(0, 19).replace("T", " ")} UTC`;

export function ErrorsSection({ errors, days }: { errors: KeyErrorsView; days: number }) {
  return (
    <section class="card" aria-labelledby="errors">
      <h2 id="errors">Errors by code, last {days} days</h2>
      {errors.byCode.length === 0 ? (
        <p class="muted" id="errors-none">
          No errors from {errors.from} to {errors.to}.
        </p>
      ) : (
        <table id="errors-table">
          <caption class="muted">
            {errors.total} errors from {errors.from} to {errors.to}, by JSON-RPC code
          </caption>
          <thead>
            <tr>
              <th scope="col">Code</th>
              <th scope="col">Meaning</th>
              <th scope="col">Count</th>
              <th scope="col">Last seen</th>
            </tr>
          </thead>
          <tbody>
            {errors.byCode.map((e) => (
              <tr data-code={String(e.code)}>
                <th scope="row">{e.code}</th>
                <td>{codeName(e.code) ?? "–"}</td>
                <td>{e.count}</td>
                <td>{when(e.lastAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
