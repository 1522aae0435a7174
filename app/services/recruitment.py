"""The recruitment handbook (《招商手册》) and the publication of a
recruitment, outside the flows: what the sales director does before a
representative reports a prospect (seed 2.1). The CLI (``flask dealers``)
calls these use cases; F13 names the version in force
(``ledger.recruitment_in_force``)."""
import uuid
from datetime import date
from pathlib import Path

from sqlalchemy import select

from app.actions import BusinessRuleViolation
from app.errors import ValidationFailed
from app.extensions import db
from app.ledger import dealer_terms
from app.models import Attachment, RecruitmentHandbook, RecruitmentPublication
from app.services.accounts import find_user
from app.services.attachments import save
from app.services.unit_of_work import use_case


def _refused(violation: BusinessRuleViolation) -> ValidationFailed:
    field = violation.field or "input"
    return ValidationFailed(violation.message, code=violation.code, details={"fields": {field: [violation.message]}})


@use_case
def add_handbook_version(version: str, title: str, effective_from: date, approver: str,
                         file: Path | None = None) -> RecruitmentHandbook:
    """Record an approved handbook version, with its document when ``file``
    is given (stored as an attachment). Raises ValidationFailed naming the
    field: ``unknown_user``, or the ledger's refusals (``not_authorised``,
    ``duplicate_version``, ``version_out_of_order``, ``missing_title``)."""
    approving = find_user(approver)
    if approving is None:
        raise ValidationFailed(f"No user {approver!r}.", code="unknown_user", details={"fields": {"approved_by": ["unknown user"]}})
    attachment_id = None
    if file is not None:
        with open(file, "rb") as stream:
            ref = save(Path(file).name, "", stream)
        attachment_id = db.session.scalar(select(Attachment.id).where(Attachment.sha256 == ref["sha256"])
                                          .order_by(Attachment.id.desc()).limit(1))
    try:
        return dealer_terms.add_handbook(version=version, title=title, effective_from=effective_from, approved_by=approving,
                                         attachment_id=attachment_id, source_key=f"handbook:{uuid.uuid4().hex}")
    except BusinessRuleViolation as violation:
        raise _refused(violation) from None


@use_case
def publish(region: str, channel: str, on: date, publisher: str | None = None) -> RecruitmentPublication:
    """Record that a recruitment was published for ``region`` under the
    handbook in force on ``on``. Raises ValidationFailed ``no_handbook``,
    ``missing_region``, ``missing_channel``, ``unknown_user``."""
    user = find_user(publisher) if publisher else None
    if publisher and user is None:
        raise ValidationFailed(f"No user {publisher!r}.", code="unknown_user", details={"fields": {"published_by": ["unknown user"]}})
    try:
        return dealer_terms.publish_recruitment(region=region, channel=channel, on=on, published_by_id=getattr(user, "id", None),
                                                source_key=f"publication:{uuid.uuid4().hex}")
    except BusinessRuleViolation as violation:
        raise _refused(violation) from None


def handbook_versions() -> list[RecruitmentHandbook]:
    """Every version, oldest first."""
    return list(db.session.scalars(select(RecruitmentHandbook).order_by(RecruitmentHandbook.effective_from, RecruitmentHandbook.id)))
