/**
 * @module
 * GET /status: the public status page, server-rendered from the same report as /status.json
 * (status/statusReport.ts): per chain its state and why, head and its age, upstreams, the last
 * hour's and day's calls, error rate and latency as numbers and charts, and the jobs' freshness.
 * It reloads itself every 30 s. No key, no third-party request.
 */
import type { StatusReport } from "../status/statusReport";
import { Layout } from "./layout";
import { Chart } from "./parts";

type ChainReport = StatusReport["chains"][number];
type Window = ChainReport["lastHour"];

/** How each kind of incident reads on the page. */
const INCIDENT_LABELS: Record<ChainReport["incidents"][number]["kind"], string> = {
  chain_down: "chain down",
  upstream_down: "upstream down",
  upstream_disabled: "upstream disabled",
  circuit_open: "circuit breaker opened",
};

const percent = (x: number) => `${Math.round(x * 10_000) / 100}%`;
const ms = (x: number | null) => (x === null ? "–" : `${x} ms`);

function Numbers({ label, w, id }: { label: string; w: Window; id: string }) {
  return (
    <tr>
      <th scope="row">{label}</th>
      <td id={id}>{w.requests}</td>
      <td>{percent(w.errorRate)}</td>
      <td>{ms(w.p50)}</td>
      <td>{ms(w.p99)}</td>
    </tr>
  );
}

function Chain({ chain }: { chain: ChainReport }) {
  const head = chain.head === null ? "unknown" : String(chain.head);
  const age = chain.headAgeSeconds === null ? "" : ` (first seen ${chain.headAgeSeconds} s ago)`;
  return (
    <section class="chain" aria-labelledby={`chain-${chain.chain}`}>
      <header>
        <h2 id={`chain-${chain.chain}`}>{chain.name}</h2>
        <span class={`state state-${chain.state}`} data-state={chain.state}>
          {chain.state}
        </span>
        <span class="muted">{chain.reason}</span>
      </header>
      <dl class="facts">
        <dt>Chain</dt>
        <dd>
          {chain.chain} (id {chain.chainId ?? "–"})
        </dd>
        <dt>Head</dt>
        <dd data-head={head}>
          {head}
          {age}
        </dd>
        <dt>Upstreams</dt>
        <dd>
          {chain.upstreams.filter((u) => u.state === "up").length} of {chain.upstreams.length} up:{" "}
          {chain.upstreams.map((u) => `${u.name} ${u.state}`).join(", ") || "none"}
        </dd>
      </dl>
      <table>
        <caption class="muted">Calls, share the service failed, latency</caption>
        <thead>
          <tr>
            <th scope="col">Window</th>
            <th scope="col">Calls</th>
            <th scope="col">Error rate</th>
            <th scope="col">p50</th>
            <th scope="col">p99</th>
          </tr>
        </thead>
        <tbody>
          <Numbers label="Last hour" w={chain.lastHour} id={`calls-hour-${chain.chain}`} />
          <Numbers label="Last day" w={chain.lastDay} id={`calls-day-${chain.chain}`} />
        </tbody>
      </table>
      <h3>Incidents, last 7 days</h3>
      {chain.incidents.length === 0 ? (
        <p class="muted">None.</p>
      ) : (
        <ul class="incidents">
          {chain.incidents.map((i) => (
            <li data-incident={i.kind}>
              {i.from} to {i.to ?? "now"}: {INCIDENT_LABELS[i.kind]}
              {i.upstream ? ` (${i.upstream})` : ""}, {i.detail}
            </li>
          ))}
        </ul>
      )}
      <div class="charts">
        <Chart
          id={`${chain.chain}:hour`}
          title="Calls per minute, last hour"
          fields="requests,errors"
          labels="calls,errors"
        />
        <Chart
          id={`${chain.chain}:hour`}
          title="Latency, last hour"
          fields="p50,p99"
          labels="p50 ms,p99 ms"
        />
        <Chart
          id={`${chain.chain}:day`}
          title="Calls per 15 minutes, last day"
          fields="requests,errors"
          labels="calls,errors"
        />
        <Chart id={`${chain.chain}:day`} title="Latency, last day" fields="p50,p99" labels="p50 ms,p99 ms" />
      </div>
    </section>
  );
}

export function StatusPage({ report }: { report: StatusReport }) {
  const charts: Record<string, Window["points"]> = {};
  for (const c of report.chains) {
    charts[`${c.chain}:hour`] = c.lastHour.points;
    charts[`${c.chain}:day`] = c.lastDay.points;
  }
  return (
    <Layout title="Status" charts={charts} refreshSeconds={30}>
      <header>
        <h1>Status</h1>
        <span class="muted">as of {report.generatedAt}; reloads every 30 s</span>
      </header>
      <main>
        {report.chains.length === 0 ? <p>No chain is served yet.</p> : null}
        {report.chains.map((chain) => (
          <Chain chain={chain} />
        ))}
        <section class="chain" aria-labelledby="jobs">
          <h2 id="jobs">Data jobs</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">Job</th>
                <th scope="col">Last success</th>
                <th scope="col">Fresh</th>
              </tr>
            </thead>
            <tbody>
              {report.jobs.map((j) => (
                <tr>
                  <th scope="row">{j.job}</th>
                  <td>{j.lastSuccessAt ?? "never"}</td>
                  <td>{j.fresh ? "yes" : `no (expected within ${j.freshWithinSeconds} s)`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <p class="muted">
          State rule: {report.rule}. <a href="/status.json">This page as JSON</a>.
        </p>
      </main>
    </Layout>
  );
}
