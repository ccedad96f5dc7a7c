/**
 * @module
 * The tenant dashboard's two pages: the form that asks for an API key (sent in a POST body, never
 * in the URL), and one key's view: its usage over 30 days by day (charts and a table) and by method
 * family, its errors by code, its limits and what is left of the month. Never the key itself.
 */
import type { DashboardData, DayPoint } from "./dashboardData";
import { ErrorsSection } from "./dashboardErrors";
import { Layout } from "./layout";
import { Chart, UsageTable } from "./parts";

const n = (x: number) => x.toLocaleString("en-US");

export function DashboardForm({ error }: { error?: string | undefined }) {
  return (
    <Layout title={error ? "Dashboard: key refused" : "Dashboard"}>
      <header>
        <h1>Dashboard</h1>
        <span class="muted">one API key's usage, errors and limits</span>
      </header>
      <main>
        <form method="post" action="/dashboard" class="key-form card">
          <label for="key">API key</label>
          <input
            id="key"
            name="key"
            type="password"
            autocomplete="off"
            spellcheck={false}
            required
            aria-describedby={error ? "key-error key-help" : "key-help"}
            aria-invalid={error ? "true" : undefined}
          />
          <label for="secret">Key secret</label>
          <input
            id="secret"
            name="secret"
            type="password"
            autocomplete="off"
            spellcheck={false}
            aria-describedby="secret-help"
          />
          <button type="submit">Show usage</button>
          {error ? (
            <p id="key-error" class="error" role="alert">
              {error}
            </p>
          ) : null}
          <p id="key-help" class="muted">
            Sent in the request's body, checked as the API checks it, and kept nowhere. Viewing this page
            costs what GET /v1/usage costs.
          </p>
          <p id="secret-help" class="muted">
            The key secret is needed only for a key with origin or address lists, or one that requires a JWT:
            a browser's form cannot meet those lists, and the secret skips them as it does on the API.
          </p>
        </form>
      </main>
    </Layout>
  );
}

function DaysSection({ data }: { data: DashboardData }) {
  const active = data.days.filter((d) => d.requests > 0).reverse();
  return (
    <section class="card" aria-labelledby="by-day">
      <h2 id="by-day">Usage by day, last 30 days</h2>
      <p>
        <span id="calls-total">{n(data.totals.requests)}</span> calls, {n(data.totals.cu)} CU,{" "}
        {n(data.totals.errors)} errors from {data.from} to {data.to} (UTC).
      </p>
      <div class="charts">
        <Chart id="days" title="Calls and errors per day" fields="requests,errors" labels="calls,errors" />
        <Chart id="days" title="CU per day" fields="cu" labels="CU" />
      </div>
      {active.length === 0 ? (
        <p class="muted">No calls in the last 30 days.</p>
      ) : (
        <UsageTable
          id="days-table"
          caption="Days with calls, newest first"
          heading="Day (UTC)"
          attr="day"
          rows={active.map((d) => ({ ...d, name: d.day }))}
        />
      )}
    </section>
  );
}

function FamiliesSection({ data }: { data: DashboardData }) {
  return (
    <section class="card" aria-labelledby="by-family">
      <h2 id="by-family">Usage by method family, last 30 days</h2>
      {data.families.length === 0 ? (
        <p class="muted">No calls in the last 30 days.</p>
      ) : (
        <UsageTable
          id="families-table"
          caption="By method family; other endpoints by name"
          heading="Family"
          attr="family"
          rows={data.families.map((f) => ({ ...f, name: f.family }))}
        />
      )}
    </section>
  );
}

function LimitsSection({ data }: { data: DashboardData }) {
  const { limits, month } = data;
  const left = Math.max(0, month.monthlyCu - month.cu);
  const cap = limits.keyCuPerSecond;
  return (
    <section class="card" aria-labelledby="limits">
      <h2 id="limits">Limits and this month</h2>
      <dl class="facts">
        <dt>CU per second</dt>
        <dd id="limit-rate">
          {n(limits.cuPerSecond)} (the plan's, shared by the tenant's keys; bursts up to {n(limits.burstCu)})
        </dd>
        <dt>This key's cap</dt>
        <dd id="limit-key-rate">{cap === null ? "none: the plan's rate" : `${n(cap)} CU per second`}</dd>
        <dt>Monthly CU</dt>
        <dd id="limit-month">{n(month.monthlyCu)}</dd>
        <dt>Used this month</dt>
        <dd id="month-used">{n(month.cu)} CU (all the tenant's keys)</dd>
        <dt>Left this month</dt>
        <dd id="month-left" data-left={String(left)}>
          {n(left)} CU
        </dd>
        <dt>Renews at</dt>
        <dd id="month-renews" data-at={month.renewsAt}>
          {`${month.renewsAt.slice(0, 16).replace("T", " ")} UTC`}
        </dd>
      </dl>
    </section>
  );
}

export function DashboardPage({ data }: { data: DashboardData }) {
  const charts: Record<string, DayPoint[]> = { days: data.days };
  const name = data.key.name || "unnamed key";
  return (
    <Layout title={`Dashboard: ${name}`} charts={charts}>
      <header>
        <h1>Dashboard</h1>
        <span id="key-name">
          {name} <span class="muted">({data.key.prefix}…)</span>
        </span>
        <a href="/dashboard">Use another key</a>
      </header>
      <main>
        <DaysSection data={data} />
        <FamiliesSection data={data} />
        <ErrorsSection errors={data.errors} days={data.errorDays} />
        <LimitsSection data={data} />
      </main>
    </Layout>
  );
}
