// Cron expressions as wrangler.toml's [triggers] gives them, for `npm start`, which fires them
// itself (workerd does not run cron triggers locally). Five fields, UTC; each `*`, `*/n`, `n`, or
// a list of those (`0,30`).

/** Whether `expression` is due in the minute of `date`. */
export function cronMatches(expression, date) {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) throw new Error(`cron expression "${expression}" needs 5 fields`);
  const values = [
    date.getUTCMinutes(),
    date.getUTCHours(),
    date.getUTCDate(),
    date.getUTCMonth() + 1,
    date.getUTCDay(),
  ];
  return fields.every((field, i) => field.split(",").some((part) => partMatches(part, values[i])));
}

function partMatches(part, value) {
  if (part === "*") return true;
  const step = /^\*\/(\d+)$/.exec(part);
  if (step) return value % Number(step[1]) === 0;
  if (/^\d+$/.test(part)) return Number(part) === value;
  throw new Error(`cron field "${part}" is not supported here (only *, */n, n and lists)`);
}
