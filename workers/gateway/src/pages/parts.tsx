/**
 * @module
 * Pieces the server-rendered pages share: a chart figure that /assets/charts.js draws from the
 * page's data block, and a table of calls, CU and errors by one name (a day, a method family).
 */
import type { UsageCounts } from "../../../../shared/metering/usage";

export interface ChartProps {
  /** The series in the page's data block. */
  id: string;
  title: string;
  /** The point fields drawn, and their legends, comma-separated. */
  fields: string;
  labels: string;
}

export function Chart({ id, title, fields, labels }: ChartProps) {
  return (
    <figure data-chart={id} data-fields={fields} data-labels={labels} aria-label={title}>
      <figcaption>{title}</figcaption>
      <div class="plot" />
    </figure>
  );
}

const n = (x: number) => x.toLocaleString("en-US");

export interface UsageTableProps {
  id: string;
  caption: string;
  /** The first column's heading, and the attribute each row is marked with (data-<attr>). */
  heading: string;
  attr: string;
  rows: readonly (UsageCounts & { name: string })[];
}

/** Calls, CU and errors by name; each row marked `data-<attr>` and its calls `data-calls`. */
export function UsageTable({ id, caption, heading, attr, rows }: UsageTableProps) {
  return (
    <table id={id}>
      <caption class="muted">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{heading}</th>
          <th scope="col">Calls</th>
          <th scope="col">CU</th>
          <th scope="col">Errors</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr {...{ [`data-${attr}`]: r.name }}>
            <th scope="row">{r.name}</th>
            <td data-calls={String(r.requests)}>{n(r.requests)}</td>
            <td>{n(r.cu)}</td>
            <td>{n(r.errors)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
