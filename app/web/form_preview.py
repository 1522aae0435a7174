"""A form's fields rendered exactly as the task and start pages render them
(form_fields.build_fields through the macros of _form.html), for the
studio's live preview of a form being edited."""
from flask import render_template_string

from app.web.form_fields import build_fields

_FIELDS = '{% from "_form.html" import field %}{% for f in fields %}{{ field(f) }}{% endfor %}'


def preview_html(schema: dict) -> str:
    """The HTML of the empty form ``schema`` as a person would first see it."""
    return render_template_string(_FIELDS, fields=build_fields(schema, {}, {}, show_hints=False))
