// The modeler's keyboard shortcuts (bpmn-js's own bindings, active while
// the canvas has the focus) and a "?" overlay listing them; "?" again or
// Escape closes it. The "?" button beside the problems title opens it too.
const SHORTCUTS = [
  ["Ctrl + Z", "Undo"], ["Ctrl + Y / Ctrl + Shift + Z", "Redo"], ["Ctrl + C / Ctrl + V", "Copy / paste"],
  ["Ctrl + A", "Select all"], ["Ctrl + F", "Find an element"], ["Delete / Backspace", "Remove the selection"],
  ["E", "Edit the label"], ["R", "Replace the element"], ["H", "Hand tool"], ["L", "Lasso tool"],
  ["S", "Space tool"], ["C", "Connect tool"], ["Ctrl + + / Ctrl + -", "Zoom in / out"], ["Ctrl + 0", "Reset the zoom"],
  ["← ↑ → ↓", "Move the canvas (with Shift: faster)"], ["?", "This help"], ["Esc", "Close this help"],
];

function typing(target) {
  return target && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));
}

function build(translate) {
  const overlay = document.createElement("div");
  overlay.id = "studio-shortcuts";
  overlay.className = "studio-shortcuts";
  overlay.hidden = true;
  overlay.setAttribute("role", "dialog");
  overlay.setAttribute("aria-label", translate("Keyboard shortcuts"));
  const box = document.createElement("div");
  box.className = "studio-shortcuts-box";
  const title = document.createElement("h2");
  title.textContent = translate("Keyboard shortcuts");
  const hint = document.createElement("p");
  hint.className = "muted";
  hint.textContent = translate("Click the diagram first: the shortcuts act on the canvas.");
  const table = document.createElement("table");
  for (const [keys, what] of SHORTCUTS) {
    const row = table.insertRow();
    const key = document.createElement("kbd");
    key.textContent = keys;
    row.insertCell().append(key);
    row.insertCell().textContent = translate(what);
  }
  const close = document.createElement("button");
  close.type = "button";
  close.className = "secondary";
  close.textContent = translate("Close");
  close.addEventListener("click", () => { overlay.hidden = true; });
  box.append(title, hint, table, close);
  overlay.append(box);
  overlay.addEventListener("click", (event) => { if (event.target === overlay) { overlay.hidden = true; } });
  return overlay;
}

export default function installShortcutsHelp(modeler) {
  const translate = modeler.get("translate");
  const overlay = build(translate);
  document.body.append(overlay);
  const opener = document.createElement("button");
  opener.type = "button";
  opener.className = "secondary studio-shortcuts-open";
  opener.textContent = "?";
  opener.title = translate("Keyboard shortcuts");
  opener.addEventListener("click", () => { overlay.hidden = false; });
  document.querySelector(".studio-bar").append(opener);
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !overlay.hidden) { overlay.hidden = true; return; }
    if (event.key === "?" && !typing(event.target)) {
      overlay.hidden = !overlay.hidden;
      event.preventDefault();
    }
  });
}
