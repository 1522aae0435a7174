"""Diagrams written for another engine's tests, deployed one by one through
the API as an analyst would upload them: each is deployed (and then says
what it deployed) or refused with problems that name the file and, for an
element, its line — never a 500, never silence (tests/workflow/foreign/)."""
import io
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[1] / "workflow" / "foreign" / "spiffworkflow"
FILES = sorted(path for path in CORPUS.iterdir() if path.suffix in (".bpmn", ".dmn"))


def test_the_corpus_is_there():
    assert len(FILES) > 100


@pytest.mark.parametrize("path", FILES, ids=[path.name for path in FILES])
def test_a_foreign_diagram_is_deployed_or_refused_with_located_problems(api, path):
    admin = api("process_admin")
    before = admin.ok("get", "/process-definitions?all=true")
    response = admin.post("/process-definitions", data={"files": [(io.BytesIO(path.read_bytes()), path.name)]},
                          content_type="multipart/form-data")
    assert response.status_code in (201, 422), (response.status_code, response.get_data(as_text=True)[:300])
    body = response.get_json()
    if response.status_code == 201:
        assert body and all(entry["key"] and entry["version"] >= 1 for entry in body), body
        return
    problems = body["error"]["details"].get("problems") or []
    assert problems or body["error"]["details"].get("fields"), body
    for problem in problems:
        assert problem["message"].strip(), problem
        assert "b'<" not in problem["message"], problem  # no raw XML bytes from the engine
        if problem["element_id"] and problem["file"] == path.name:
            assert problem["line"], problem
    assert admin.ok("get", "/process-definitions?all=true") == before  # a refusal saves nothing
