"""F13's records beside the customer file (seed 2.1): the recruitment
handbook and market policies in force (《招商手册》), the publication of a
recruitment, and what establishing a regional master distributor leaves —
its approved annual target and special discount (pricing applies the
discount), its first credit rating and its registered contract."""
from datetime import date as date_type
from decimal import Decimal

from sqlalchemy import select

from app import clock
from app.extensions import db
from app.ledger.contracts import make_contract
from app.ledger.credit import first_rating, set_credit
from app.ledger.customers import create_customer
from app.ledger.dates import parse_date
from app.ledger.money import money_str, round_money, to_decimal
from app.ledger.posting import posted_once
from app.models import Customer, DealerTerms, RecruitmentHandbook, RecruitmentPublication, User
from app.actions import ActionCall, BusinessRuleViolation, action

HANDBOOK_APPROVERS = ("sales_director", "general_manager")
MAX_SPECIAL_DISCOUNT = Decimal("30")  # the director's form allows no more; the table decides who approves it
CONTRACT_YEARS = 1  # a regional master distributor's contract runs a year, with its annual target


def _years_after(day: date_type, years: int) -> date_type:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def handbook_in_force(on: date_type) -> RecruitmentHandbook | None:
    """The approved handbook version in force on ``on`` (the latest that took effect), or None."""
    return db.session.scalar(select(RecruitmentHandbook).where(RecruitmentHandbook.effective_from <= on)
                             .order_by(RecruitmentHandbook.effective_from.desc(), RecruitmentHandbook.id.desc()).limit(1))


def add_handbook(*, version: str, title: str, effective_from: date_type, approved_by: User,
                 attachment_id: int | None = None, source_key: str) -> RecruitmentHandbook:
    """Record an approved handbook version (flushes); it is in force from
    ``effective_from`` until a later version takes effect. Posts nothing.
    Raises BusinessRuleViolation ``missing_version``, ``missing_title``,
    ``duplicate_version``, ``not_authorised`` (only the sales director or
    the general manager approves the handbook), ``version_out_of_order``
    (a version may not take effect before the one in force)."""
    version, title = (version or "").strip(), (title or "").strip()
    if not version:
        raise BusinessRuleViolation("missing_version", "A handbook version needs its number.", field="version")
    if not title:
        raise BusinessRuleViolation("missing_title", "A handbook version needs its title.", field="title")
    if not any(approved_by.has_role(role) for role in HANDBOOK_APPROVERS):
        raise BusinessRuleViolation("not_authorised", f"{approved_by.username} may not approve the recruitment handbook.",
                                    field="approved_by")
    if db.session.scalar(select(RecruitmentHandbook.id).where(RecruitmentHandbook.version == version)) is not None:
        raise BusinessRuleViolation("duplicate_version", f"Handbook version {version} exists.", field="version")
    latest = db.session.scalar(select(RecruitmentHandbook).order_by(RecruitmentHandbook.effective_from.desc()).limit(1))
    if latest is not None and effective_from < latest.effective_from:
        raise BusinessRuleViolation("version_out_of_order", f"Version {latest.version} takes effect on "
                                    f"{latest.effective_from}; a new version may not start before it.", field="effective_from")
    handbook = RecruitmentHandbook(version=version[:32], title=title[:200], effective_from=effective_from,
                                   attachment_id=attachment_id, approved_by=approved_by, approved_at=clock.now(),
                                   source_key=source_key)
    db.session.add(handbook)
    db.session.flush()
    return handbook


def publish_recruitment(*, region: str, channel: str, on: date_type, published_by_id: int | None,
                        source_key: str) -> RecruitmentPublication:
    """Record that a recruitment was published (发布招商信息) for ``region``
    through ``channel`` under the handbook in force on ``on`` (flushes).
    Raises BusinessRuleViolation ``no_handbook`` (nothing to publish under),
    ``missing_region``, ``missing_channel``."""
    if not (region or "").strip():
        raise BusinessRuleViolation("missing_region", "A publication names its region.", field="region")
    if not (channel or "").strip():
        raise BusinessRuleViolation("missing_channel", "A publication names where it was published.", field="channel")
    handbook = handbook_in_force(on)
    if handbook is None:
        raise BusinessRuleViolation("no_handbook", f"No approved recruitment handbook is in force on {on}.", field="date")
    publication = RecruitmentPublication(handbook=handbook, region=region.strip()[:64], channel=channel.strip()[:64],
                                         published_on=on, published_by_id=published_by_id, source_key=source_key,
                                         created_at=clock.now())
    db.session.add(publication)
    db.session.flush()
    return publication


@action("ledger.recruitment_in_force")
def recruitment_in_force(call: ActionCall, *, region: str, date: str | None = None) -> dict:
    """F13, as a prospect is reported: the handbook version in force and the
    region's latest recruitment published under it. Result
    {"handbook_version", "handbook_title", "published_on", "channel"}.
    Posts nothing. Raises ``no_handbook`` (no approved handbook in force),
    ``recruitment_not_published`` (none published for the region under it)."""
    on = parse_date(date)
    handbook = handbook_in_force(on)
    if handbook is None:
        raise BusinessRuleViolation("no_handbook", f"No approved recruitment handbook is in force on {on}.")
    publication = db.session.scalar(select(RecruitmentPublication).where(
        RecruitmentPublication.handbook_id == handbook.id, RecruitmentPublication.region == region,
        RecruitmentPublication.published_on <= on).order_by(RecruitmentPublication.published_on.desc()).limit(1))
    if publication is None:
        raise BusinessRuleViolation("recruitment_not_published",
                                    f"No recruitment was published for {region} under handbook {handbook.version}.",
                                    {"handbook_version": handbook.version})
    return {"handbook_version": handbook.version, "handbook_title": handbook.title,
            "published_on": publication.published_on.isoformat(), "channel": publication.channel}


def terms_on(customer_id: int, day: date_type) -> DealerTerms | None:
    """The dealer's approved terms valid on ``day`` (the latest version from before it), or None."""
    return db.session.scalar(select(DealerTerms).where(DealerTerms.customer_id == customer_id, DealerTerms.valid_from <= day)
                             .order_by(DealerTerms.valid_from.desc(), DealerTerms.id.desc()).limit(1))


def record_terms(customer: Customer, *, annual_target, special_discount_pct, valid_from: date_type,
                 handbook: RecruitmentHandbook | None, contract_number: str | None, approved_by_id: int | None,
                 source_key: str, recheck_date: date_type | None = None, recheck_findings: str | None = None) -> DealerTerms:
    """A version of the dealer's approved terms (flushes). Raises
    BusinessRuleViolation ``invalid_amount`` (negative target),
    ``invalid_discount`` (outside 0–30 %)."""
    target = round_money(annual_target, "annual_target")
    if target < 0:
        raise BusinessRuleViolation("invalid_amount", "An annual target may not be negative.", field="annual_target")
    pct = to_decimal(special_discount_pct, "special_discount_pct")
    if not Decimal("0") <= pct <= MAX_SPECIAL_DISCOUNT:
        raise BusinessRuleViolation("invalid_discount", f"A special discount is 0–{MAX_SPECIAL_DISCOUNT} %.",
                                    field="special_discount_pct")
    terms = DealerTerms(customer=customer, annual_target=target, special_discount_pct=pct, valid_from=valid_from,
                        handbook=handbook, contract_number=contract_number, approved_by_id=approved_by_id,
                        recheck_date=recheck_date, recheck_findings=(recheck_findings or None) and recheck_findings[:2000],
                        source_key=source_key, created_at=clock.now())
    db.session.add(terms)
    db.session.flush()
    return terms


@action("ledger.establish_dealer")
def establish_dealer(call: ActionCall, *, name: str, region: str, province: str | None = None, credit_limit=0,
                     payment_days=30, salesperson: str | None = None, annual_target=0, special_discount_pct=0,
                     total_score=None, handbook_version: str | None = None, contract_number: str,
                     signed_date: str | None = None, contract_file: dict | None = None,
                     terms_approved_in: list | None = None, recheck_date: str | None = None,
                     recheck_findings: str | None = None) -> dict:
    """F13's last step: the customer file (``ledger.create_customer``), the
    approved terms — annual target and special discount, which pricing
    applies from the signing date, with the regional manager's re-check
    they stood on — the first credit rating (from the
    evaluation's computed score, ``credit.first_rating``) and the signed
    contract registered with its scan, running a year from signing with the
    annual target as its cap. Idempotent per call: a retry finds what it
    made. Result {"customer_code", "customer_id", "credit_rating",
    "special_discount_pct", "annual_target", "contract_number"}. Raises
    ``duplicate_customer``, ``duplicate_contract``, ``invalid_attachment``,
    ``invalid_amount``, ``invalid_discount``, ``missing_name``."""
    signed = parse_date(signed_date, "signed_date")
    made = create_customer(call, name=name, region=region, channel="dealer", province=province, credit_limit=credit_limit,
                           payment_days=payment_days, contract_number=contract_number, salesperson=salesperson)
    customer = db.session.get(Customer, made["customer_id"])
    approver = call.approver_of_record(terms_approved_in or [])

    def terms() -> DealerTerms:
        handbook = db.session.scalar(select(RecruitmentHandbook).where(RecruitmentHandbook.version == handbook_version)) \
            if handbook_version else None
        rating = first_rating(total_score)
        set_credit(customer, credit_limit=customer.credit_limit, rating=rating, valid_from=signed,
                   reason=f"first rating: evaluation score {total_score}", decided_by_id=approver,
                   source_key=f"{call.idempotency_key}#rating")
        make_contract(customer, contract_number, annual_target, valid_from=signed, valid_to=_years_after(signed, CONTRACT_YEARS),
                      price_terms=f"special discount {special_discount_pct}% off the price lists",
                      payment_terms=f"{int(payment_days or 0)} days", payment_days=int(payment_days or 0),
                      attachments=[contract_file] if contract_file else [], signed_by_id=customer.salesperson_id,
                      source_key=f"{call.idempotency_key}#contract")
        return record_terms(customer, annual_target=annual_target, special_discount_pct=special_discount_pct,
                            valid_from=signed, handbook=handbook, contract_number=contract_number,
                            approved_by_id=approver, source_key=f"{call.idempotency_key}#terms",
                            recheck_date=parse_date(recheck_date, "recheck_date") if recheck_date else None,
                            recheck_findings=recheck_findings)

    recorded = posted_once(DealerTerms, f"{call.idempotency_key}#terms", terms)
    return {**made, "credit_rating": customer.credit_rating, "special_discount_pct": str(recorded.special_discount_pct),
            "annual_target": money_str(recorded.annual_target), "contract_number": recorded.contract_number}
