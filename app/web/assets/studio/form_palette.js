// The field kinds the platform renders (app/form_kinds.py), each with the
// JSON Schema a new field of that kind starts from, and the kind of an
// existing field, judged as the server judges it.
export const PALETTE = {
  text: () => ({ type: "string", maxLength: 100 }),
  number: () => ({ type: "number", minimum: 0 }),
  money: () => ({ type: "number", "x-money": true, minimum: 0, multipleOf: 0.01 }),
  date: () => ({ type: "string", format: "date" }),
  choice: () => ({ type: "string", enum: ["A", "B"] }),
  reference: () => ({ type: "string", "x-ref": "customer" }),
  lines: () => ({ type: "array", minItems: 1, maxItems: 100, items: { type: "object", properties: {
    item: { type: "string", title: "Item", maxLength: 100 },
    amount: { type: "number", title: "Amount", "x-money": true, minimum: 0, multipleOf: 0.01 } }, required: ["item"] } }),
  attachment: () => ({ type: "object", format: "attachment", properties: { name: { type: "string" }, type: { type: "string" },
    size: { type: "integer" }, sha256: { type: "string" } }, required: ["name", "sha256"] }),
  textarea: () => ({ type: "string", "x-widget": "textarea", maxLength: 1000 }),
  boolean: () => ({ type: "boolean" }),
  readonly: () => ({ type: "string", readOnly: true }),
};

export function kindOf(schema, name) {
  const string = schema.type === "string";
  const options = string && ((schema.enum && schema.enum.length) || (schema.oneOf && schema.oneOf.length));
  const items = schema.items || {};
  if (schema.format === "attachment" || schema["x-attachment"] === true) { return "attachment"; }
  if (["decision", "action"].includes(name) && options) { return "decision"; }
  if (options) { return "choice"; }
  if (string && schema["x-ref"]) { return "reference"; }
  if (string && schema.format === "date") { return "date"; }
  if (string && schema.format === "date-time") { return "datetime"; }
  if (string && (schema["x-widget"] === "textarea" || (schema.maxLength || 0) > 200)) { return "textarea"; }
  if (string) { return "text"; }
  if (schema.type === "number" && schema["x-money"] === true) { return "money"; }
  if (["number", "integer"].includes(schema.type)) { return "number"; }
  if (schema.type === "boolean") { return "boolean"; }
  if (schema.type === "array") { return items.type === "object" && items.format !== "attachment" ? "lines" : "list"; }
  if (schema.type === "object" && schema.properties) { return "group"; }
  return "text";
}
