"""Every diagram of processes/ read and written back as the studio's modeler
does (bpmn-moddle with the studio's spiffworkflow descriptor, through node):
nothing the platform reads changes, and the deploy lint still passes."""
import json
import shutil
import subprocess

import pytest

from app.actions import registered_actions
from app.services.deployment import REPO_ROOT, files_from_paths
from app.services.performers import LANE_NAMES
from app.workflow.bundle import compile_bundle
from app.workflow.studio_reading import platform_properties

SCRIPT = REPO_ROOT / "tests" / "support" / "studio_roundtrip.mjs"
DIAGRAMS = sorted((REPO_ROOT / "processes").glob("*.bpmn"))


@pytest.fixture(scope="module")
def round_tripped():
    node = shutil.which("node")
    assert node, "node is needed (make assets installs the studio's libraries with npm)"
    assert (REPO_ROOT / "node_modules" / "bpmn-moddle").is_dir(), "run `make assets` (npm ci) first"
    done = subprocess.run([node, str(SCRIPT), *map(str, DIAGRAMS)], capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stderr
    return {path: json.loads(done.stdout)[str(path)] for path in DIAGRAMS}


def test_every_diagram_is_round_tripped(round_tripped):
    assert len(round_tripped) == len(DIAGRAMS) >= 14


@pytest.mark.parametrize("path", DIAGRAMS, ids=lambda p: p.stem)
def test_the_platform_properties_survive_unchanged(round_tripped, path):
    written = round_tripped[path]
    assert written["warnings"] == []
    before = platform_properties(path.read_text(encoding="utf-8"))
    after = platform_properties(written["xml"])
    assert before and after == before


def test_the_round_tripped_diagrams_pass_the_deploy_lint(ctx, round_tripped):
    files = files_from_paths([REPO_ROOT / "processes", REPO_ROOT / "forms"])
    for path, written in round_tripped.items():
        files[path.name] = written["xml"].encode("utf-8")
    compiled, problems = compile_bundle(files, {}, lane_names=set(LANE_NAMES), actions=registered_actions())
    assert problems == []
    assert sorted(process.key for process in compiled) == sorted(path.stem for path in DIAGRAMS)


def test_a_changed_property_is_seen(round_tripped):
    """The comparison above can fail: an edited extension attribute shows."""
    path = REPO_ROOT / "processes" / "travel_request.bpmn"
    edited = round_tripped[path]["xml"].replace('value="approval.json"', 'value="other.json"', 1)
    assert platform_properties(edited) != platform_properties(path.read_text(encoding="utf-8"))
