"""Deploy says the truth about a diagram: nothing silently ignored, and versions follow what was deployed."""
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import DeployedFile, ProcessDefinition
from app.services.deployment import DeploymentRejected, deploy

DIAGRAMS = Path(__file__).parent / "diagrams"
PROBE = (DIAGRAMS / "probe.bpmn").read_text()
FORM = (DIAGRAMS / "probe_form.json").read_bytes()


def _files(bpmn=PROBE, **extra):
    return {"probe.bpmn": bpmn.encode() if isinstance(bpmn, str) else bpmn, "probe_form.json": FORM, **extra}


def _rejected(files) -> list:
    with pytest.raises(DeploymentRejected) as caught:
        deploy(files)
    assert db.session.scalar(select(func.count()).select_from(ProcessDefinition)) == 0
    return caught.value.problems


def _line_of(text: str, needle: str) -> int:
    return text[:text.index(needle)].count("\n") + 1


def test_a_file_of_only_non_executable_processes_is_refused_for_that_alone(ctx):
    """It would deploy nothing; it is not linted as if it were to run."""
    bpmn = (PROBE.replace('isExecutable="true"', 'isExecutable="false"')
            .replace('name="@requester"', 'name="Sales people"'))  # a documentation diagram's lane
    problems = _rejected(_files(bpmn))
    assert [(p.element_id, "isExecutable" in p.message) for p in problems] == [("lint_probe", True)], problems


ASCII_LATIN1 = PROBE.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"').encode("ascii", "xmlcharrefreplace")


def test_a_pure_ascii_file_declared_iso_8859_1_deploys(ctx):
    assert ASCII_LATIN1.isascii() and b"ISO-8859-1" in ASCII_LATIN1
    assert [(d.key, d.created) for d in deploy(_files(ASCII_LATIN1))] == [("lint_probe", True)]
    definition = db.session.scalar(select(ProcessDefinition))
    assert definition.name == "检查样例"


def test_a_non_ascii_file_declared_iso_8859_1_is_still_refused(ctx):
    latin = PROBE.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"').encode("ascii", "xmlcharrefreplace").replace(b"&#26816;", b"Pr\xfcf")
    problems = _rejected({"probe.bpmn": latin, "probe_form.json": FORM})
    assert [p.file for p in problems] == ["probe.bpmn"]


def test_reverting_to_an_earlier_version_is_a_new_version_with_the_old_content(ctx):
    changed = PROBE.replace("amount &gt; 1000", "amount &gt; 2000")
    assert [d.version for d in deploy(_files())] == [1]
    assert [d.version for d in deploy(_files(changed))] == [2]
    assert [(d.version, d.created) for d in deploy(_files())] == [(3, True)]
    assert [(d.version, d.created) for d in deploy(_files())] == [(3, False)]
    versions = db.session.scalars(select(ProcessDefinition).order_by(ProcessDefinition.version)).all()
    assert versions[0].content_hash == versions[2].content_hash != versions[1].content_hash
    assert versions[2].files == versions[0].files


def test_a_form_reverted_is_the_one_a_later_diagram_takes(ctx):
    deploy(_files())
    edited = FORM.replace(b'"title": "\xe6\xa0\xb7\xe4\xbe\x8b"', b'"title": "edited"')
    assert edited != FORM
    assert [d.version for d in deploy(_files(**{"probe_form.json": edited}))] == [2]
    assert [d.version for d in deploy(_files())] == [3]
    diagram_alone = deploy({"probe.bpmn": PROBE.replace("检查样例", "检查样例二").encode()})
    assert [d.version for d in diagram_alone] == [4]
    latest = db.session.scalars(select(ProcessDefinition).order_by(ProcessDefinition.version.desc())).first()
    assert latest.files["probe_form.json"] == FORM.decode()
    assert db.session.scalar(select(func.count()).select_from(DeployedFile)
                             .where(DeployedFile.name == "probe_form.json")) == 3


def test_the_command_line_refuses_two_files_of_one_name(cli, tmp_path):
    for folder, bpmn in (("a", PROBE), ("b", PROBE.replace("检查样例", "另一个"))):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "probe.bpmn").write_text(bpmn)
    (tmp_path / "a" / "probe_form.json").write_bytes(FORM)
    result = cli.invoke(args=["processes", "deploy", str(tmp_path)])
    assert result.exit_code != 0
    assert str(tmp_path / "a" / "probe.bpmn") in result.output and str(tmp_path / "b" / "probe.bpmn") in result.output
    with cli.app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ProcessDefinition)) == 0


def test_the_command_line_reads_a_file_named_twice_once(cli, tmp_path):
    (tmp_path / "probe.bpmn").write_text(PROBE)
    (tmp_path / "probe_form.json").write_bytes(FORM)
    result = cli.invoke(args=["processes", "deploy", str(tmp_path), str(tmp_path / "probe.bpmn")])
    assert result.exit_code == 0 and "lint_probe" in result.output, result.output
