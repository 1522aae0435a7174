"""The reader's names for a process and its steps: what the diagram calls
them in English (its ``nameEn`` properties) when the reader reads English,
the Chinese name otherwise and wherever the diagram gives no English."""
from flask import has_request_context

from app.i18n import current_locale
from app.models import ProcessDefinition
from app.services.incidents import step_names as chinese_names
from app.workflow.element_names import english_names

_ENGLISH: dict[str, dict[str, str]] = {}  # definition cache key -> element id -> English name
_ENGLISH_MAX = 256


def reads_english(locale: str | None = None) -> bool:
    """Whether ``locale`` (default: the current request's) is English."""
    if locale is None:
        locale = current_locale() if has_request_context() else None
    return locale == "en"


def diagram_english_names(definition: ProcessDefinition) -> dict[str, str]:
    """Element id -> English name of every element of this version's diagram
    that has one (read once per content, then kept)."""
    key = definition.cache_key
    if key not in _ENGLISH:
        if len(_ENGLISH) >= _ENGLISH_MAX:
            _ENGLISH.pop(next(iter(_ENGLISH)))
        text = (definition.files or {}).get(definition.bpmn_file)
        _ENGLISH[key] = english_names(text, definition.bpmn_file) if text else {}
    return _ENGLISH[key]


def process_name(definition: ProcessDefinition | None, locale: str | None = None) -> str:
    """The name of a process version in ``locale`` (default: the reader's);
    ``definition`` may be anything with its name and name_en."""
    if definition is None:
        return ""
    if reads_english(locale) and definition.name_en:
        return definition.name_en
    return definition.name


def step_name(definition: ProcessDefinition | None, element_id: str | None, fallback: str | None = None,
              locale: str | None = None) -> str:
    """The name of a step (an element id) of a process version in ``locale``
    (default: the reader's): its English name when English is read and the
    diagram gives one, else ``fallback`` (the name the caller holds, in
    Chinese), else the diagram's Chinese name, else the id."""
    chinese = fallback or _chinese_name(definition, element_id) or element_id or ""
    if not reads_english(locale):
        return chinese
    return english_step_name(definition, element_id) or chinese


def english_step_name(definition: ProcessDefinition | None, element_id: str | None) -> str | None:
    """The English name the diagram gives a step, or None."""
    if definition is None or not element_id:
        return None
    described = next((t for t in definition.user_tasks or () if t.get("element_id") == element_id), None)
    if described is not None and described.get("name_en"):
        return described["name_en"]
    return diagram_english_names(definition).get(element_id)


def task_name(task, locale: str | None = None) -> str:
    """The name of a person's task (a HumanTask) in ``locale`` (default: the reader's)."""
    if task is None:
        return ""
    instance = getattr(task, "instance", None)
    return step_name(instance.definition if instance is not None else None, task.element_id, task.name, locale)


def _chinese_name(definition: ProcessDefinition | None, element_id: str | None) -> str | None:
    if definition is None or not element_id:
        return None
    # a person's step is named by the version's task list; a step the engine took (a service
    # task, an event) only by the diagram, read once per version
    named = next((t.get("name") for t in definition.user_tasks or () if t.get("element_id") == element_id), None)
    return named or chinese_names(definition).get(element_id)
