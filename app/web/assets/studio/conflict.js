// When a save is refused because someone saved in between, a banner says who
// and offers their version; until then the local diagram stays on the
// canvas and can be downloaded, so nothing typed is lost.
export default function conflictBanner(modeler, api, state, texts, onLoaded) {
  const banner = document.getElementById("studio-conflict");
  const text = document.getElementById("studio-conflict-text");
  const download = document.getElementById("studio-conflict-download");
  let url = null;
  document.getElementById("studio-conflict-load").addEventListener("click", async () => {
    const { status, data } = await api.load();
    if (status === 404) { window.location.reload(); return; } // discarded in between: the deployed version
    if (status !== 200) { return; }
    await modeler.importXML(data.xml);
    state.revision = data.revision;
    banner.hidden = true;
    onLoaded(data);
  });
  return async (details) => {
    const { xml } = await modeler.saveXML({ format: true });
    if (url) { URL.revokeObjectURL(url); }
    url = URL.createObjectURL(new Blob([xml], { type: "application/xml" }));
    download.href = url;
    text.textContent = texts.conflict.replace("{who}", (details && details.updated_by) || "?")
      .replace("{rev}", (details && details.revision) || "?");
    banner.hidden = false;
  };
}
