"""/process-definitions: list, deploy, describe, and the BPMN XML."""
from flask import Response
from flask_smorest.fields import Upload
from marshmallow import Schema, fields, validate

from app.api import current_user
from app.api.access import role_required
from app.api.parsing import ApiBlueprint
from app.api.schemas import FORM_KINDS, MAX_ID
from app.errors import NotFound
from app.services import deployment, instances

blp = ApiBlueprint("process-definitions", __name__, description="Deployed process definitions")


class ListQuerySchema(Schema):
    all = fields.Boolean(load_default=False, metadata={"description": "every version, not only the latest"})
    startable = fields.Boolean(load_default=False,
                               metadata={"description": "only the latest versions the caller may start (the start catalogue)"})


class VersionQuerySchema(Schema):
    version = fields.Integer(validate=validate.Range(min=1, max=MAX_ID),
                             metadata={"description": "a deployed version; default the latest"})


class DefinitionSchema(Schema):
    key = fields.String(required=True)
    version = fields.Integer(required=True)
    name = fields.String(required=True)
    name_en = fields.String(allow_none=True, metadata={"description": "the English name the diagram gives (nameEn); none: only the Chinese name"})
    deployed_at = fields.DateTime(required=True)
    deployed_by = fields.String(required=True, allow_none=True, metadata={"description": "username; null when deployed from the command line"})
    may_start = fields.Boolean(required=True, metadata={"description": "whether the caller may start this version: "
                                                                       "one of their roles is in its startRoles"})


class DeployFilesSchema(Schema):
    files = fields.List(Upload(), required=True, validate=validate.Length(min=1),
                        metadata={"description": ".bpmn diagrams, .dmn tables and .json forms"})


class DeployedSchema(Schema):
    key = fields.String(required=True)
    version = fields.Integer(required=True)
    created = fields.Boolean(required=True, metadata={"description": "false: the same content was already deployed"})


class UserTaskSchema(Schema):
    element_id = fields.String(required=True)
    name = fields.String(required=True)
    name_en = fields.String(allow_none=True, metadata={"description": "the English name the diagram gives (nameEn); none: only the Chinese name"})
    role = fields.String(required=True, allow_none=True, metadata={"description": "the lane: a role code or a resolver such as @manager_of_requester"})
    form = fields.Dict(required=True, allow_none=True,
                       metadata={"description": "the task's JSON Schema form" + FORM_KINDS})
    form_key = fields.String(required=True, allow_none=True)
    approval = fields.Boolean(required=True)
    due = fields.String(required=True, allow_none=True, metadata={"description": "ISO 8601 duration"})
    documentation = fields.String(required=True, allow_none=True)


class DefinitionDetailSchema(Schema):
    key = fields.String(required=True)
    version = fields.Integer(required=True)
    name = fields.String(required=True)
    name_en = fields.String(allow_none=True, metadata={"description": "the English name the diagram gives (nameEn); none: only the Chinese name"})
    deployed_at = fields.DateTime(required=True)
    deployed_by = fields.String(required=True, allow_none=True)
    may_start = fields.Boolean(required=True)
    start_roles = fields.List(fields.String(), required=True,
                              metadata={"description": "the role codes its diagram lets start it by hand; "
                                                       "empty: only its timer starts it"})
    start_form = fields.Dict(required=True, allow_none=True,
                             metadata={"description": "JSON Schema of the start data" + FORM_KINDS})
    start_form_key = fields.String(required=True, allow_none=True)
    user_tasks = fields.List(fields.Nested(UserTaskSchema), required=True)


def _summary(definition) -> dict:
    return {"key": definition.key, "version": definition.version, "name": definition.name,
            "name_en": definition.name_en, "deployed_at": definition.deployed_at,
            "deployed_by": definition.deployed_by.username if definition.deployed_by else None,
            "may_start": instances.may_start(definition, current_user())}


def _found(key: str, version: int | None):
    definition = deployment.find_definition(key, version)
    if definition is None:
        which = f"version {version} of " if version else ""
        raise NotFound(f"No {which}process {key!r} is deployed.")
    return definition


@blp.get("/process-definitions")
@blp.arguments(ListQuerySchema, location="query")
@blp.response(200, DefinitionSchema(many=True))
def list_definitions(query):
    """The latest version of every process key (``?all=true``: every version;
    ``?startable=true``: only what the caller may start)."""
    if query["startable"]:
        return [_summary(d) for d in instances.startable_definitions(current_user())]
    return [_summary(d) for d in deployment.latest_definitions(all_versions=query["all"])]


@blp.post("/process-definitions")
@role_required("process_admin", what="deploy process definitions")
@blp.arguments(DeployFilesSchema, location="files")
@blp.response(201, DeployedSchema(many=True))
def deploy(body):
    """Deploy diagrams, decision tables and forms (process admins).

    An invalid deployment is 422 with ``details.problems`` and saves nothing."""
    files = {upload.filename or "": upload.read() for upload in body["files"]}
    return [vars(d) for d in deployment.deploy(files, current_user())]


@blp.get("/process-definitions/<key>")
@blp.arguments(VersionQuerySchema, location="query")
@blp.response(200, DefinitionDetailSchema)
def get_definition(query, key):
    """A version's start form and user tasks, with their JSON Schema forms."""
    definition = _found(key, query.get("version"))
    return {
        **_summary(definition), "start_roles": list(definition.start_roles or ()),
        "start_form": definition.form_schema(definition.start_form),
        "start_form_key": definition.start_form,
        "user_tasks": [{"element_id": t["element_id"], "name": t["name"], "name_en": t.get("name_en"), "role": t.get("lane"),
                        "form": definition.form_schema(t.get("form")), "form_key": t.get("form"),
                        "approval": bool(t.get("approval")), "due": t.get("due"),
                        "documentation": t.get("documentation")} for t in definition.user_tasks],
    }


@blp.get("/process-definitions/<key>/xml")
@blp.arguments(VersionQuerySchema, location="query")
@blp.response(200, {"type": "string"}, content_type="application/xml", description="The BPMN 2.0 XML as deployed")
def get_definition_xml(query, key):
    """The exact BPMN XML a version was deployed with."""
    definition = _found(key, query.get("version"))
    return Response(definition.files[definition.bpmn_file], mimetype="application/xml")
