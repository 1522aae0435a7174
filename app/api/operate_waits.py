"""/operate: what instances wait for (timers, messages), firing a timer
early, and the messages nobody claimed — delivered by hand or discarded.
Process admins act; auditors read; everyone else gets 403."""
from marshmallow import Schema, fields, validate

from app.api import current_user
from app.api.parsing import ApiBlueprint, Text
from app.api.schemas import MAX_ID
from app.services import instance_waits, unclaimed_messages

blp = ApiBlueprint("operate_waits", __name__, description="Process admins: timers and messages")

INSTANCE = f"/operate/instances/<int(max={MAX_ID}):instance_id>"
MESSAGE = f"/operate/messages/<int(max={MAX_ID}):message_id>"


class ReasonSchema(Schema):
    reason = Text(required=True, validate=validate.Length(min=1, max=instance_waits.MAX_REASON_CHARS),
                  metadata={"description": "why, kept on the audit chain"})


class DeliverSchema(ReasonSchema):
    instance_id = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=MAX_ID),
                                 metadata={"description": "the running instance that awaits the message now"})


class MessagesQuerySchema(Schema):
    unclaimed = fields.Boolean(load_default=True, metadata={
        "description": "1 (default): undelivered, not discarded, past the grace period; 0: every undelivered "
                       "message, recent and discarded ones included"})


class TimerSchema(Schema):
    element_id = fields.String(required=True)
    name = fields.String(required=True, allow_none=True)
    kind = fields.String(required=True, metadata={"description": "boundary, intermediate or start"})
    timing = fields.String(required=True, metadata={"description": "date, duration or cycle"})
    expression = fields.String(required=True)
    due = fields.DateTime(required=True, allow_none=True)
    interrupting = fields.Boolean(required=True, allow_none=True)
    attached_to = fields.String(required=True, allow_none=True)


class AwaitedSchema(Schema):
    element_id = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True)
    correlations = fields.Dict(required=True, metadata={"description": "correlation key -> {property: value}"})
    interrupting = fields.Boolean(required=True, allow_none=True)
    attached_to = fields.String(required=True, allow_none=True)


class WaitsSchema(Schema):
    instance_id = fields.Integer(required=True)
    process_key = fields.String(required=True)
    status = fields.String(required=True)
    may_fire = fields.Boolean(required=True)
    timers = fields.List(fields.Nested(TimerSchema), required=True)
    messages = fields.List(fields.Nested(AwaitedSchema), required=True)


class FiredSchema(Schema):
    instance_id = fields.Integer(required=True)
    status = fields.String(required=True)
    fired = fields.Nested(TimerSchema, required=True)
    waits = fields.Nested(WaitsSchema, required=True)


class MessageSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    state = fields.String(required=True, metadata={"description": "unclaimed, recent, discarded or delivered"})
    correlations = fields.Dict(required=True)
    payload = fields.Raw(required=True)
    source_instance_id = fields.Integer(required=True, allow_none=True)
    created_at = fields.DateTime(required=True)
    age_seconds = fields.Integer(required=True)
    receivers = fields.List(fields.Integer(), required=True,
                            metadata={"description": "running instances that await its name now"})
    delivered_to = fields.Integer(required=True, allow_none=True)
    discarded_at = fields.DateTime(required=True, allow_none=True)
    discarded_by = fields.String(required=True, allow_none=True)
    discard_reason = fields.String(required=True, allow_none=True)


class MessageListSchema(Schema):
    grace_seconds = fields.Integer(required=True)
    items = fields.List(fields.Nested(MessageSchema), required=True)


def _waits(found) -> dict:
    instance = found.instance
    return {"instance_id": instance.id, "process_key": instance.process_key, "status": instance.status.value,
            "may_fire": found.may_fire, "timers": list(found.waits.timers), "messages": list(found.waits.messages)}


def _message(row) -> dict:
    message = row.message
    discarder = unclaimed_messages.discarded_by(message)
    return {"id": message.id, "name": message.name, "state": row.state, "correlations": message.correlations or {},
            "payload": row.payload, "source_instance_id": message.source_instance_id,
            "created_at": message.created_at, "age_seconds": int(row.age.total_seconds()),
            "receivers": list(row.receivers), "delivered_to": message.target_instance_id,
            "discarded_at": message.discarded_at, "discarded_by": discarder, "discard_reason": message.discard_reason}


@blp.get(f"{INSTANCE}/waits")
@blp.response(200, WaitsSchema)
def waits(instance_id):
    """An instance's pending timers and the messages it awaits, with the correlation values it expects."""
    return _waits(instance_waits.instance_waits(instance_id, current_user()))


@blp.post(f"{INSTANCE}/timers/<element_id>/fire")
@blp.arguments(ReasonSchema)
@blp.response(200, FiredSchema)
def fire_timer(body, instance_id, element_id):
    """Fire that pending timer now, before its time (409 when the instance is not running; 400 naming
    ``element_id`` when it is no pending timer)."""
    user = current_user()
    instance, timer = instance_waits.fire_timer_now(instance_id, element_id, body["reason"], user)
    return {"instance_id": instance.id, "status": instance.status.value, "fired": timer,
            "waits": _waits(instance_waits.instance_waits(instance.id, user))}


@blp.get("/operate/messages")
@blp.arguments(MessagesQuerySchema, location="query")
@blp.response(200, MessageListSchema)
def messages(query):
    """Messages that arrived with no instance waiting, oldest first, with their age."""
    rows = unclaimed_messages.unclaimed_messages(current_user(), unclaimed_only=query["unclaimed"])
    return {"grace_seconds": int(unclaimed_messages.grace().total_seconds()), "items": [_message(r) for r in rows]}


@blp.post(f"{MESSAGE}/deliver")
@blp.arguments(DeliverSchema)
@blp.response(200, MessageSchema)
def deliver(body, message_id):
    """Deliver the message to a running instance that awaits it with the same correlation values (409 otherwise)."""
    user = current_user()
    unclaimed_messages.deliver_by_hand(message_id, body["instance_id"], body["reason"], user)
    return _message(unclaimed_messages.get_message(message_id, user))


@blp.post(f"{MESSAGE}/discard")
@blp.arguments(ReasonSchema)
@blp.response(200, MessageSchema)
def discard(body, message_id):
    """Set the message aside with a reason: kept, marked discarded, never offered again; on the messages chain."""
    user = current_user()
    unclaimed_messages.discard_message(message_id, body["reason"], user)
    return _message(unclaimed_messages.get_message(message_id, user))
