// Editing a draft with others: presence in the bar, and the conflict banner
// wired to autosave (loading their version resumes autosaving from it).
import presence from "./presence";
import conflictBanner from "./conflict";
import "./shared_editing.css";

export default function sharedEditing(root, modeler, api, state, ui, editable) {
  const texts = JSON.parse(document.getElementById("studio-session-texts").textContent);
  presence(root, texts, editable);
  let saver = null;
  ui.conflict = conflictBanner(modeler, api, state, texts, (draft) => {
    ui.saved(draft);
    if (saver) { saver.resume(); }
  });
  return { autosaving: (autosaver) => { saver = autosaver; } };
}
