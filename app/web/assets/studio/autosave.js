// Autosave: a second after the last change the diagram is saved as the
// draft, naming the revision it started from. A 409 (someone saved in
// between) stops autosaving and says who; nothing is overwritten.
const DELAY_MS = 1000;

export default function autosave(modeler, api, state, ui) {
  let timer = null, saving = false, again = false, stopped = false;

  async function save() {
    if (saving) { again = true; return; }
    saving = true;
    ui.status(ui.texts.saving);
    const { xml } = await modeler.saveXML({ format: true });
    const { status, data } = await api.save(xml, state.revision);
    saving = false;
    if (status === 200) {
      state.revision = data.revision;
      ui.saved(data);
      if (again) { again = false; save(); }
      return;
    }
    stopped = true;
    const error = (data && data.error) || {};
    if (status === 409) {
      ui.status(ui.texts.stale.replace("{who}", (error.details && error.details.updated_by) || "?"), true);
      if (ui.conflict) { ui.conflict(error.details); }
    } else {
      ui.status(ui.texts.save_failed.replace("{msg}", error.message || String(status)), true);
    }
  }

  modeler.on("commandStack.changed", () => {
    if (stopped) { return; }
    clearTimeout(timer);
    timer = setTimeout(save, DELAY_MS);
  });
  return { resume: () => { stopped = false; } };
}
