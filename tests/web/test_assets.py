"""Every asset comes from our own static files: no CDN anywhere."""
import re
from pathlib import Path

STATIC = Path(__file__).resolve().parents[2] / "app" / "web" / "static"
TEMPLATES = STATIC.parent / "templates"


def _fetch(client, url):
    response = client.get(url)
    try:
        return response.status_code, response.get_data()
    finally:
        response.close()


def test_our_styles_and_scripts_are_served(client):
    for name in ("style.css", "forms.js", "diagram.js"):
        status, body = _fetch(client, f"/assets/{name}")
        assert status == 200 and body, name


def test_bpmn_js_is_served_from_the_vendor_folder(client):
    """Built by `make assets` (npm ci + copy); missing means the set-up step did not run."""
    viewer = STATIC / "vendor" / "bpmn-js" / "bpmn-navigated-viewer.production.min.js"
    assert viewer.is_file(), "run `make assets` (npm ci, then copy bpmn-js into app/web/static/vendor)"
    for url in ("/assets/vendor/bpmn-js/bpmn-navigated-viewer.production.min.js",
                "/assets/vendor/bpmn-js/assets/bpmn-js.css", "/assets/vendor/bpmn-js/assets/diagram-js.css"):
        status, _ = _fetch(client, url)
        assert status == 200, url


def test_no_template_or_script_loads_anything_from_elsewhere():
    remote = re.compile(r"""(src|href)\s*=\s*["']?(https?:)?//""", re.I)
    for path in [*TEMPLATES.glob("*.html"), *STATIC.glob("*.js"), *STATIC.glob("*.css")]:
        text = path.read_text(encoding="utf-8")
        assert not remote.search(text), path
        assert "@import url(http" not in text, path
