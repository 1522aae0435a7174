"""Dispatch (派单) of an approved campaign's tasks (F19): each customer of a
task goes on its list, queued for the e-mail/SMS sender or on the service
desk's call list or a rep's visit list, and each performer is told of
their list through the notification outbox, in the command's own
transaction. The special list is read again here: a customer listed after
the snapshot was taken is withheld, whatever any form said."""
from sqlalchemy import select

from app.actions import ActionCall, action
from app.extensions import db
from app.ledger.campaigns import campaign_of, on_special_list, task_row, tasks_of
from app.models import Customer
from app.models.campaign import AUTOMATIC_CHANNELS, CampaignDispatch, CampaignResult
from app.services.notifications import notify

CHANNEL_NAMES = {"email": "邮件", "sms": "短信", "call": "外呼", "visit": "拜访"}


@action("ledger.dispatch_campaign")
def dispatch_campaign(call: ActionCall) -> dict:
    """Put every target of every task of the current split on its list
    (one CampaignDispatch each), leaving out the customers on the special
    list now; e-mail and SMS tasks count what was queued as their contacts;
    call and visit performers are notified of their lists. Result
    {"tasks", "withheld", "reporters"}. Raises ``no_campaign``."""
    campaign = campaign_of(call)
    tasks = tasks_of(campaign)
    barred = on_special_list({cid for task in tasks for cid in task.customer_ids})
    key = call.idempotency_key
    already = db.session.scalar(select(CampaignDispatch.id).where(CampaignDispatch.source_key.startswith(f"{key}:")))
    rows = []
    for task in tasks:
        allowed = [cid for cid in task.customer_ids if cid not in barred]
        if already is None:
            db.session.add_all(CampaignDispatch(task_id=task.id, customer_id=cid, channel=task.channel,
                                                source_key=f"{key}:{task.id}:{cid}") for cid in allowed)
            if task.channel in AUTOMATIC_CHANNELS:
                db.session.add(CampaignResult(task_id=task.id, contacts=len(allowed), responses=0, leads=0,
                                              order_numbers=[], spend=0, note="outbox",
                                              source_key=f"{key}:{task.id}:sent"))
            elif task.assignee is not None:
                names = "、".join(db.session.scalars(select(Customer.name).where(Customer.id.in_(allowed))
                                                    .order_by(Customer.code)))
                notify([task.assignee], "campaign_dispatch", process=campaign.name,
                       body=f"营销活动 {campaign.number}「{campaign.name}」{CHANNEL_NAMES[task.channel]}任务 "
                            f"{task.number}：{names}")
        rows.append({**task_row(task), "dispatched": len(allowed)})
    campaign.status = "dispatched"
    db.session.flush()
    withheld = sorted(db.session.scalars(select(Customer.code).where(Customer.id.in_(barred)))) if barred else []
    reporters = sorted({t.assignee.username for t in tasks if t.assignee is not None})
    return {"tasks": rows, "withheld": withheld, "reporters": reporters}
