"""What the diagram viewer shows instead of the codes a diagram carries:
a lane names a role code (``billing_clerk``) or a resolver
(``@department_head_of_requester``), which the reader sees as the role's
name in their language; in English every other element shows the English
name the diagram gives it (``nameEn``). The served copy is rewritten; the
deployed XML stays as it is."""
from app.services.role_catalogue import ROLES
from app.workflow.diagram_copy import renamed_copy
from app.workflow.element_names import english_names

# resolver lane -> (Chinese, English); performers.RESOLVERS says who each one finds
RESOLVER_NAMES: dict[str, tuple[str, str]] = {
    "@requester": ("申请人", "Requester"),
    "@manager_of_requester": ("申请人的直属上级", "Requester's manager"),
    "@department_head_of_requester": ("申请人的部门负责人", "Requester's department head"),
    "@regional_manager_of_customer": ("客户所在大区经理", "Customer's regional manager"),
    "@salesperson": ("负责业务员", "Salesperson in charge"),
    "@regional_manager_of_region": ("该大区经理", "Regional manager of the region"),
    "@recipient": ("指标接收人", "Target recipient"),
}

ROLE_NAMES: dict[str, tuple[str, str]] = {code: (zh, en) for code, zh, en, _ in ROLES}


def lane_label(expression: str, locale: str) -> str | None:
    """The role name a lane expression stands for in ``locale`` (``en``,
    else Chinese); None for an expression no role or resolver has."""
    names = RESOLVER_NAMES.get(expression.strip()) or ROLE_NAMES.get(expression.strip())
    if names is None:
        return None
    return names[1] if locale == "en" else names[0]


def localized_diagram_xml(xml: str | bytes, locale: str) -> str:
    """A copy of the deployed BPMN ``xml`` for a reader in ``locale``: each
    lane shows its role's name; an unknown lane expression keeps its text;
    in English, an element with an English name shows it. Raises the
    parser's error for XML that is not well formed."""
    english = english_names(xml) if locale == "en" else {}

    def rename(element_tag: str, element_id: str | None, name: str) -> str | None:
        return lane_label(name, locale) if element_tag == "lane" else english.get(element_id or "")

    return renamed_copy(xml, rename)
