// The form's fields as a list: one card per property in the schema's order,
// with its kind, key, title, required, read-only, bounds, options or the
// lookup its x-ref names; move up/down and remove. Every edit changes the
// schema object in place and calls onChange.
import { kindOf } from "./form_palette";

function labelled(text, control) {
  const label = document.createElement("label");
  label.className = "prop";
  const span = document.createElement("span");
  span.textContent = text;
  label.append(span, control);
  return label;
}

function textInput(value, onInput, type = "text") {
  const input = document.createElement("input");
  input.type = type;
  input.value = value === undefined || value === null ? "" : String(value);
  input.addEventListener("input", () => onInput(input.value));
  return input;
}

function checkbox(checked, onToggle) {
  const input = document.createElement("input");
  input.type = "checkbox";
  input.checked = !!checked;
  input.addEventListener("change", () => onToggle(input.checked));
  return input;
}

function setOrDrop(schema, keyword, value) {
  if (value === "" || value === undefined || Number.isNaN(value)) { delete schema[keyword]; } else { schema[keyword] = value; }
}

export function renameProperty(schema, from, to) {
  if (!to || to === from || (schema.properties || {})[to]) { return false; }
  const next = {};
  for (const [key, value] of Object.entries(schema.properties)) { next[key === from ? to : key] = value; }
  schema.properties = next;
  schema.required = (schema.required || []).map((key) => (key === from ? to : key));
  return true;
}

export function moveProperty(schema, key, step) {
  const keys = Object.keys(schema.properties);
  const at = keys.indexOf(key), to = at + step;
  if (at < 0 || to < 0 || to >= keys.length) { return; }
  keys.splice(at, 1);
  keys.splice(to, 0, key);
  schema.properties = Object.fromEntries(keys.map((name) => [name, schema.properties[name]]));
}

export default function fieldList(container, texts, editable, lookups, onChange) {
  let schema = {};

  function button(text, label, onClick) {
    const element = document.createElement("button");
    element.type = "button";
    element.className = "icon";
    element.textContent = text;
    element.title = label;
    element.setAttribute("aria-label", label);
    element.addEventListener("click", onClick);
    return element;
  }

  function changed(redraw) { if (redraw) { render(); } onChange(); }

  function bounds(field, kind, body) {
    const number = (keyword) => textInput(field[keyword], (value) => {
      setOrDrop(field, keyword, value === "" ? "" : Number(value)); changed();
    }, "number");
    if (kind === "number" || kind === "money") {
      body.append(labelled(texts.minimum, number("minimum")), labelled(texts.maximum, number("maximum")));
    } else if (kind === "text" || kind === "textarea") {
      body.append(labelled(texts.max_length, number("maxLength")));
    } else if (kind === "choice" && field.enum) {
      body.append(labelled(texts.options, textInput(field.enum.join(", "), (value) => {
        field.enum = value.split(/[,，]/).map((option) => option.trim()).filter(Boolean); changed();
      })));
    } else if (kind === "reference") {
      const select = document.createElement("select");
      for (const name of lookups) {
        const option = document.createElement("option");
        option.value = name;
        option.textContent = name;
        option.selected = field["x-ref"] === name;
        select.append(option);
      }
      select.addEventListener("change", () => { field["x-ref"] = select.value; changed(); });
      body.append(labelled(texts.lookup, select));
    } else if (kind === "lines") {
      const columns = Object.entries((field.items && field.items.properties) || {})
        .map(([key, column]) => column.title || key).join("、");
      const note = document.createElement("span");
      note.className = "muted";
      note.textContent = `${texts.columns}: ${columns}`;
      body.append(note);
    }
  }

  function card(key, field, index, count) {
    const kind = kindOf(field, key);
    const item = document.createElement("li");
    item.className = "form-field";
    item.dataset.key = key;
    item.dataset.kind = kind;
    const head = document.createElement("div");
    head.className = "form-field-head";
    const badge = document.createElement("span");
    badge.className = "kind";
    badge.textContent = (texts.kinds[kind] || kind) + (field.readOnly ? ` · ${texts.kinds.readonly}` : "");
    head.append(badge);
    const body = document.createElement("div");
    body.className = "form-field-body";
    const required = (schema.required || []).includes(key);
    body.append(labelled(texts.key, textInput(key, () => {}, "text")));
    const keyInput = body.querySelector("input");
    keyInput.addEventListener("change", () => {
      if (renameProperty(schema, key, keyInput.value.trim())) { changed(true); } else { keyInput.value = key; }
    });
    body.append(labelled(texts.title, textInput(field.title, (value) => { setOrDrop(field, "title", value); changed(); })));
    body.append(labelled(texts.title_en, textInput(field["x-title-en"], (value) => {
      setOrDrop(field, "x-title-en", value.trim()); changed();
    })));
    body.append(labelled(texts.required, checkbox(required, (on) => {
      const rest = (schema.required || []).filter((name) => name !== key);
      schema.required = on ? [...rest, key] : rest;
      if (!schema.required.length) { delete schema.required; }
      changed();
    })));
    body.append(labelled(texts.read_only, checkbox(field.readOnly, (on) => {
      setOrDrop(field, "readOnly", on ? true : ""); changed(true);
    })));
    bounds(field, kind, body);
    if (editable) {
      const tools = document.createElement("span");
      tools.className = "tools";
      tools.append(
        button("↑", texts.up, () => { moveProperty(schema, key, -1); changed(true); }),
        button("↓", texts.down, () => { moveProperty(schema, key, 1); changed(true); }),
        button("×", texts.remove, () => {
          delete schema.properties[key];
          schema.required = (schema.required || []).filter((name) => name !== key);
          if (!schema.required.length) { delete schema.required; }
          changed(true);
        }));
      tools.children[0].disabled = index === 0;
      tools.children[1].disabled = index === count - 1;
      head.append(tools);
    } else {
      for (const control of body.querySelectorAll("input, select")) { control.disabled = true; }
    }
    item.append(head, body);
    return item;
  }

  function render() {
    container.replaceChildren();
    const entries = Object.entries(schema.properties || {});
    entries.forEach(([key, field], index) => {
      if (field && typeof field === "object") { container.append(card(key, field, index, entries.length)); }
    });
  }

  return {
    show(next) { schema = next; render(); },
  };
}
