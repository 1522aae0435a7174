"""/api/v1/docs: a readable reference of the API, rendered on the server from
the same OpenAPI document that /api/v1/openapi.json serves. Nothing is loaded
from a CDN (no npm step exists yet to serve ReDoc or Swagger UI locally)."""
from flask import Blueprint, render_template

bp = Blueprint("api_reference", __name__, template_folder="templates")
METHODS = ("get", "post", "put", "patch", "delete")


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def type_of(schema: dict | None) -> dict:
    """A schema as ``{"text", "link"}``: the link names a component schema."""
    schema = schema or {}
    if "$ref" in schema:
        return {"text": _ref_name(schema["$ref"]), "link": _ref_name(schema["$ref"])}
    if schema.get("type") == "array":
        inner = type_of(schema.get("items"))
        return {"text": f"array of {inner['text']}", "link": inner["link"]}
    text = schema.get("type", "any")
    if schema.get("format"):
        text += f" ({schema['format']})"
    if schema.get("enum"):
        text += ": " + " | ".join(map(str, schema["enum"]))
    if "minimum" in schema or "maximum" in schema:
        text += f", {schema.get('minimum', '…')}..{schema.get('maximum', '…')}"
    if "default" in schema:
        text += f", default {schema['default']}"
    if schema.get("nullable"):
        text += ", nullable"
    return {"text": text, "link": None}


def _content(body: dict | None, components: dict) -> list[dict]:
    if not body:
        return []
    if "$ref" in body:  # a shared response such as DEFAULT_ERROR
        body = components.get("responses", {}).get(_ref_name(body["$ref"]), {})
    return [{"type": content_type, "schema": type_of(media.get("schema"))}
            for content_type, media in (body.get("content") or {}).items()]


def _operations(spec: dict) -> list[dict]:
    components = spec.get("components", {})
    operations = []
    for path, item in spec.get("paths", {}).items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            operations.append({
                "path": path, "method": method.upper(), "summary": operation.get("summary", ""),
                "description": operation.get("description", ""), "tag": (operation.get("tags") or [""])[0],
                "public": operation.get("security") == [],
                "parameters": [{"name": p["name"], "in": p["in"], "required": p.get("required", False),
                                "type": type_of(p.get("schema")), "description": p.get("description", "")}
                               for p in [*item.get("parameters", []), *operation.get("parameters", [])]],
                "body": _content(operation.get("requestBody"), components),
                "responses": [{"status": status, "description": response.get("description")
                               or components.get("responses", {}).get(_ref_name(response.get("$ref", "")), {}).get("description", ""),
                               "content": _content(response, components)}
                              for status, response in operation.get("responses", {}).items()],
            })
    return operations


def _schemas(spec: dict) -> list[dict]:
    found = []
    for name, schema in sorted(spec.get("components", {}).get("schemas", {}).items()):
        required = set(schema.get("required", []))
        found.append({"name": name, "description": schema.get("description", ""), "properties": [
            {"name": prop, "type": type_of(detail), "required": prop in required,
             "read_only": detail.get("readOnly", False), "description": detail.get("description", "")}
            for prop, detail in schema.get("properties", {}).items()]})
    return found


@bp.get("/api/v1/docs")
def reference():
    from app.api import api

    spec = api.spec.to_dict()
    return render_template("api/reference.html", spec=spec, operations=_operations(spec), schemas=_schemas(spec))
