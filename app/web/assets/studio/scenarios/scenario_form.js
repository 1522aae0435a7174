// The scenario editor: name, expected end and three JSON fields, each
// checked as it is typed (an object; a decision is an object or a list of
// objects). Save stays disabled while anything is wrong; the server's 422
// names the field and is shown under it.
const JSON_FIELDS = ["start_data", "decisions", "service_results"];

function problemOf(field, text, texts) {
  let value;
  try { value = JSON.parse(text || "{}"); } catch (error) { return texts.bad_json.replace("{msg}", error.message); }
  if (value === null || typeof value !== "object" || Array.isArray(value)) { return texts.not_object; }
  if (field === "decisions") {
    for (const [id, given] of Object.entries(value)) {
      const steps = Array.isArray(given) ? given : [given];
      if (!steps.length || steps.some((step) => step === null || typeof step !== "object" || Array.isArray(step))) {
        return texts.bad_decision.replace("{id}", id);
      }
    }
  }
  return "";
}

export default function scenarioForm(form, texts) {
  const inputs = Object.fromEntries([...form.querySelectorAll("[name]")].map((input) => [input.name, input]));
  const save = form.querySelector("[data-scenario-save]");

  function note(name, message) {
    const slot = form.querySelector(`[data-error-for="${name}"]`);
    slot.textContent = message || "";
    slot.hidden = !message;
    inputs[name].setAttribute("aria-invalid", message ? "true" : "false");
  }

  function validate() {
    let ok = inputs.name.value.trim() !== "";
    note("name", ok ? "" : texts.name_needed);
    for (const field of JSON_FIELDS) {
      const problem = problemOf(field, inputs[field].value, texts);
      note(field, problem);
      ok = ok && !problem;
    }
    save.disabled = !ok;
    return ok;
  }

  form.addEventListener("input", validate);
  return {
    fill(scenario) {
      inputs.name.value = scenario.name || "";
      inputs.expected_end.value = scenario.expected_end || "completed";
      for (const field of JSON_FIELDS) { inputs[field].value = JSON.stringify(scenario[field] || {}, null, 2); }
      form.hidden = false;
      validate();
    },
    values() {
      if (!validate()) { return null; }
      const values = { name: inputs.name.value.trim(), expected_end: inputs.expected_end.value.trim() || "completed" };
      for (const field of JSON_FIELDS) { values[field] = JSON.parse(inputs[field].value || "{}"); }
      return values;
    },
    refused(error) {
      const fields = (error && error.details && error.details.fields) || {};
      for (const [name, messages] of Object.entries(fields)) {
        if (inputs[name]) { note(name, [].concat(messages).join(" ")); }
      }
      return Object.keys(fields).length > 0;
    },
  };
}
