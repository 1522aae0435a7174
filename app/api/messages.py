"""/messages: the outside world talking to waiting instances, e.g. the
customer portal confirming a delivery note (F14 waits for the message
``shipment_confirmed`` correlated by ``delivery_note_no``)."""
import json

from marshmallow import Schema, ValidationError, fields, validate, validates

from app.api import current_user
from app.api.parsing import ApiBlueprint, Text
from app.services import events

blp = ApiBlueprint("messages", __name__, description="Messages from outside to waiting instances")
MAX_PAYLOAD_BYTES = 64 * 1024


class MessageInSchema(Schema):
    name = Text(required=True, validate=validate.Length(min=1, max=255),
                metadata={"description": "the BPMN message name, e.g. shipment_confirmed"})
    correlations = fields.Dict(
        keys=Text(validate=validate.Length(min=1, max=64)),
        values=fields.Dict(keys=Text(validate=validate.Length(min=1, max=64)), values=fields.Raw()),
        required=True, validate=validate.Length(min=1, max=10),
        metadata={"description": 'correlation key → its properties, e.g. {"delivery_note": {"delivery_note_no": "JH20261201001"}}'})
    payload = fields.Dict(keys=Text(validate=validate.Length(max=64)), load_default=dict,
                          metadata={"description": "what the receiving instance gets in its message variable"})

    @validates("correlations")
    def _scalar_values(self, value, **kwargs):
        for key, properties in value.items():
            for prop, item in properties.items():
                if isinstance(item, (dict, list)) or item is None or (isinstance(item, str) and "\x00" in item):
                    raise ValidationError(f"{key}.{prop}: a text, number or true/false value.")

    @validates("payload")
    def _small_payload(self, value, **kwargs):
        text = json.dumps(value, ensure_ascii=False)
        if len(text.encode()) > MAX_PAYLOAD_BYTES or "\\u0000" in text:
            raise ValidationError(f"At most {MAX_PAYLOAD_BYTES // 1024} KiB of JSON without NUL characters.")


class MessageOutSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    delivered_to = fields.Integer(allow_none=True, required=True,
                                  metadata={"description": "the instance that received it; null: none waits yet "
                                                           "(the worker delivers it when one does)"})


@blp.post("/messages")
@blp.arguments(MessageInSchema)
@blp.response(202, MessageOutSchema)
def send_message(body):
    """Send a message to the instance that waits for it (integration accounts)."""
    message = events.receive_message(current_user(), body["name"], body["correlations"], body["payload"])
    return {"id": message.id, "name": message.name, "delivered_to": message.target_instance_id}
