// Presence: every 15 seconds the modeler tells the server this editor has
// the draft open (process admins) or asks who has (auditors), and shows the
// others seen in the last 45 seconds ("王分析师 也在编辑").
const EVERY_MS = 15000;

export default function presence(root, texts, editable) {
  const line = document.getElementById("studio-presence");
  const url = `${root.dataset.api}/drafts/${encodeURIComponent(root.dataset.key)}/presence`;
  async function beat() {
    try {
      const response = await fetch(url, {
        method: editable ? "POST" : "GET", credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRFToken": root.dataset.csrf },
      });
      if (!response.ok) { return; }
      const others = (await response.json()).others || [];
      const names = others.map((other) => other.name).join(texts.separator);
      line.textContent = others.length ? (others.length > 1 ? texts.present_many : texts.present_one).replace("{who}", names) : "";
      line.hidden = others.length === 0;
      line.dataset.others = others.map((other) => other.username).join(",");
    } catch (error) {
      // offline for a moment: the next beat tries again
    }
  }
  beat();
  return setInterval(beat, EVERY_MS);
}
