// The timer builder's logic, without the page: a timer's expression read
// into what the builder shows, and written back from it. The engine reads a
// timer as a Python expression, so an ISO 8601 value is a quoted string:
//   duration  "PT2H"   "P3D"
//   cycle     "R3/PT1H" (3 times, every hour)  "R/PT1H" (for ever)
//             "R/2026-01-01T01:00:00+08:00/P1M" (from a start, every month)
//   date      "2026-12-31T17:00:00+08:00"
// Anything else (a variable such as payment_due) is an expression the
// builder keeps as it is. No imports: the node test runner loads this file.

export const UNITS = ["minutes", "hours", "days", "weeks", "months"];
export const KIND_BY_TYPE = { "bpmn:timeDuration": "duration", "bpmn:timeCycle": "cycle", "bpmn:timeDate": "date" };
export const PROPERTY_BY_KIND = { duration: "timeDuration", cycle: "timeCycle", date: "timeDate" };

const DURATION = /^P(?:(\d+)M|(\d+)W|(\d+)D|T(\d+)H|T(\d+)M)$/;
const DATE = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(?::00)?(Z|[+-]\d{2}:\d{2})$/;

export function isoDuration(amount, unit) {
  const n = Math.max(1, Math.floor(Number(amount)) || 1);
  return { minutes: `PT${n}M`, hours: `PT${n}H`, days: `P${n}D`, weeks: `P${n}W`, months: `P${n}M` }[unit];
}

// {amount, unit} of a single-unit ISO duration, or null.
export function readDuration(iso) {
  const m = DURATION.exec(iso || "");
  if (!m) { return null; }
  const [, months, weeks, days, hours, minutes] = m;
  const unit = months ? "months" : weeks ? "weeks" : days ? "days" : hours ? "hours" : "minutes";
  return { amount: Number(months || weeks || days || hours || minutes), unit };
}

function unquote(text) {
  const t = (text || "").trim();
  const m = /^(["'])([^"'\\]*)\1$/.exec(t);
  return m ? m[2] : null;
}

// What the builder shows for a timer written as `text` in the `kind` property.
export function readTimer(kind, text) {
  const raw = (text || "").trim();
  const value = unquote(raw);
  const expression = { kind: "expression", text: raw };
  if (value === null) { return raw ? expression : { kind: kind || "duration", amount: 1, unit: "hours" }; }
  if (kind === "duration") {
    const d = readDuration(value);
    return d ? { kind, ...d } : expression;
  }
  if (kind === "date") {
    const m = DATE.exec(value);
    return m ? { kind, date: m[1], offset: m[2] } : expression;
  }
  const parts = value.split("/");
  const repeat = /^R(\d*)$/.exec(parts[0]);
  const d = readDuration(parts[parts.length - 1]);
  if (!repeat || !d || parts.length > 3) { return expression; }
  const start = parts.length === 3 ? DATE.exec(parts[1]) : null;
  if (parts.length === 3 && !start) { return expression; }
  return { kind: "cycle", repeat: repeat[1] ? Number(repeat[1]) : null, ...d,
    start: start ? start[1] : null, offset: start ? start[2] : "+08:00" };
}

// The expression the engine wants for what the builder holds.
export function writeTimer(spec) {
  if (spec.kind === "expression") { return spec.text; }
  if (spec.kind === "date") { return `"${spec.date}:00${spec.offset || "+08:00"}"`; }
  const duration = isoDuration(spec.amount, spec.unit);
  if (spec.kind === "duration") { return `"${duration}"`; }
  const repeat = spec.repeat ? `R${Math.max(1, Math.floor(Number(spec.repeat)))}` : "R";
  const start = spec.start ? `/${spec.start}:00${spec.offset || "+08:00"}` : "";
  return `"${repeat}${start}/${duration}"`;
}
