"""The studio's editors ask the server about one element of the diagram
being edited: is this condition, script or timer accepted by the run time's
restricted compiler, which variables are in play there, and is this "what
the approver sees" declaration one the deploy lint accepts. Nothing is
stored. Process admins and auditors may ask; others get 403."""
from app.errors import ValidationFailed
from app.models import User
from app.services import deployment
from app.services.studio import ensure_studio_reader, latest_definition
from app.workflow.expression_check import KINDS, check_text
from app.workflow.lint_shows import DOCUMENT_NUMBER_FIELDS, parse_shows
from app.workflow.variables_in_play import decision_outputs, find_element, variables_in_play
from app.workflow.xml_safety import UnsafeXml, parse_untrusted_xml

EDITOR_KINDS = (*KINDS, "shows")
MAX_TEXT_CHARS = 20_000


def _shows_findings(text: str, known: set[str]) -> list[dict]:
    items, problems = parse_shows(text)
    found = [{"severity": "error", "message": message, "line": None, "column": None} for message in problems]
    found += [{"severity": "error", "message": f"Shows {item.key!r}, but nothing upstream writes {item.path[0]!r}.",
               "line": None, "column": None} for item in items if item.path[0] not in known]
    return found


def check_expression(key: str, element_id: str, kind: str, text: str, xml: str, user: User) -> dict:
    """The findings on ``text`` written at ``element_id`` of the diagram
    ``xml`` (the editor's current one) of process ``key``, and the variables
    in play there. Raises Forbidden, NotFound (no such process),
    ValidationFailed (unknown kind, XML that does not parse, no such element)."""
    ensure_studio_reader(user)
    latest_definition(key, user)
    if kind not in EDITOR_KINDS:
        raise ValidationFailed.for_fields({"kind": [f"Must be one of: {', '.join(EDITOR_KINDS)}."]})
    try:
        tree = parse_untrusted_xml(xml.encode("utf-8"), f"{key}.bpmn")
    except UnsafeXml as exc:
        raise ValidationFailed.for_fields({"xml": [str(exc)]}) from exc
    element = find_element(tree, element_id)
    if element is None:
        raise ValidationFailed.for_fields({"element_id": [f"The diagram has no element {element_id!r}."]})
    stored = deployment.stored_files(("form", "dmn"))
    decisions = decision_outputs(text for name, text in stored.items() if name.endswith(".dmn"))
    variables = variables_in_play(tree, element, stored, decisions)
    known = {variable.name for variable in variables}
    if kind == "shows":
        findings = _shows_findings(text, known)
    else:
        findings = [finding.as_dict() for finding in check_text(kind, text, known)]
    return {"problems": findings, "variables": [variable.as_dict() for variable in variables],
            "document_kinds": sorted(DOCUMENT_NUMBER_FIELDS)}
