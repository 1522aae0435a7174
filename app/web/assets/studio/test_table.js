// The decision table's test rows: an input cell per input column, an
// expected cell per output, and after a run the engine's actual outputs and
// a pass/fail mark. Values are read as JSON (600000, true, "east"); Python's
// True/False/None too; any other text is a string.
const PYTHON = { True: true, False: false, None: null };

export function parseValue(text) {
  const trimmed = text.trim();
  if (trimmed === "") { return undefined; }
  if (Object.prototype.hasOwnProperty.call(PYTHON, trimmed)) { return PYTHON[trimmed]; }
  try { return JSON.parse(trimmed); } catch (error) { return trimmed; }
}

export function showValue(value) {
  if (value === undefined) { return ""; }
  if (typeof value === "string" && parseValue(value) === value) { return value; }
  return JSON.stringify(value);
}

function cell(tag, text, className) {
  const element = document.createElement(tag);
  if (text !== undefined) { element.textContent = text; }
  if (className) { element.className = className; }
  return element;
}

export default function testTable(texts, editable, onChange) {
  const head = document.getElementById("test-head"), body = document.getElementById("test-body");
  let columns = { inputs: [], outputs: [] };
  let rows = [];

  function input(value, label, onInput) {
    const field = document.createElement("input");
    field.type = "text";
    field.value = showValue(value);
    field.setAttribute("aria-label", label);
    field.readOnly = !editable;
    field.addEventListener("input", () => { onInput(parseValue(field.value)); onChange(); });
    return field;
  }

  function set(part, key, value, row) {
    if (value === undefined) { delete row[part][key]; } else { row[part][key] = value; }
  }

  function render(results) {
    head.replaceChildren();
    for (const column of columns.inputs) { head.append(cell("th", texts.input_of.replace("{label}", column.label || column.key))); }
    for (const column of columns.outputs) { head.append(cell("th", texts.expected_of.replace("{label}", column.label || column.key))); }
    head.append(cell("th", texts.actual), cell("th", texts.result), cell("th"));
    body.replaceChildren();
    rows.forEach((row, index) => {
      const tr = document.createElement("tr");
      tr.dataset.row = String(index);
      for (const column of columns.inputs) {
        const td = cell("td");
        td.dataset.input = column.key;
        td.append(input(row.inputs[column.key], `${texts.input} ${column.key} ${index + 1}`,
          (value) => set("inputs", column.key, value, row)));
        tr.append(td);
      }
      for (const column of columns.outputs) {
        const td = cell("td");
        td.dataset.expected = column.key;
        td.append(input(row.expected[column.key], `${texts.expected} ${column.key} ${index + 1}`,
          (value) => set("expected", column.key, value, row)));
        tr.append(td);
      }
      const result = results && results[index];
      const actual = cell("td", "", "actual");
      const verdict = cell("td", "", "verdict");
      if (result) {
        actual.textContent = result.error ? result.error
          : result.outputs === null ? texts.no_rule
          : Object.entries(result.outputs).map(([key, value]) => `${key} = ${showValue(value)}`).join("; ");
        verdict.textContent = result.passed === null ? texts.nothing_expected : result.passed ? texts.pass : texts.fail;
        verdict.dataset.passed = String(result.passed);
        tr.classList.toggle("failed", result.passed === false);
      }
      tr.append(actual, verdict);
      const remove = cell("td");
      if (editable) {
        const button = cell("button", "×", "icon");
        button.type = "button";
        button.setAttribute("aria-label", texts.remove_row);
        button.addEventListener("click", () => { rows.splice(index, 1); render(); onChange(); });
        remove.append(button);
      }
      tr.append(remove);
      body.append(tr);
    });
  }

  return {
    setColumns(next) { columns = next; render(); },
    setRows(next) {
      rows = (next || []).map((row) => ({ inputs: { ...(row.inputs || {}) }, expected: { ...(row.expected || {}) } }));
      render();
    },
    addRow() { rows.push({ inputs: {}, expected: {} }); render(); onChange(); },
    rows: () => rows,
    showResults(results) { render(results); },
  };
}
