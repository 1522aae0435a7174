"""flask ledger check|coverage"""
import json
from datetime import date

import click
from flask.cli import AppGroup

from app import clock
from app.errors import ValidationFailed
from app.services import ledger_queries


@click.group(cls=AppGroup, help="The sales ledger.")
def ledger():
    pass


def _month(_ctx, _param, value):
    if value is None:
        return None
    try:
        return ledger_queries.checked_month(value)
    except ValidationFailed:
        raise click.BadParameter("use YYYY-MM") from None


@ledger.command("check")
@click.option("--month", callback=_month, help="YYYY-MM: narrow the per-month invariants to this month.")
@click.option("--json", "as_json", is_flag=True, help="Print the full results as JSON.")
def check(month, as_json):
    """Check every invariant of LEDGER.md; exit status 1 when one fails."""
    results = ledger_queries.run_checks(month)
    if as_json:
        click.echo(json.dumps(results, ensure_ascii=False, indent=2))
    else:
        for result in results:
            click.echo(f"{'ok  ' if result['ok'] else 'FAIL'} {result['name']}"
                       + ("" if result["ok"] else f"  ({len(result['violations'])} violations)"))
            for violation in result["violations"][:20]:
                click.echo(f"       {json.dumps(violation, ensure_ascii=False)}")
    if not all(result["ok"] for result in results):
        raise SystemExit(1)


@ledger.command("coverage")
@click.option("--on", "on", default=None, help="ISO date (default the business date today).")
def coverage(on):
    """List active (customer, saleable material) pairs without exactly one price."""
    gaps = ledger_queries.price_coverage_gaps(date.fromisoformat(on) if on else clock.today())
    for gap in gaps:
        click.echo(f"{gap['customer']} × {gap['material']}: {gap['code']}")
    click.echo(f"{len(gaps)} gaps.")
    if gaps:
        raise SystemExit(1)


@ledger.command("demo-month")
@click.option("--month", callback=_month, default=None,
              help="YYYY-MM, an open month (default the month before today's business date).")
def demo_month(month):
    """Post a scripted month of business on the demo data and reconcile it
    (run ``flask demo load`` first; running it again posts nothing new)."""
    from app.demo.month import run_demo_month

    result = run_demo_month(month)
    click.echo(f"orders {', '.join(result['orders'])}; invoices {', '.join(result['invoices'])}; "
               f"receipts {', '.join(result['receipts'])}")
    failed = [c["name"] for c in result["checks"] if not c["ok"]]
    click.echo("reconciliation ok" if not failed else f"reconciliation FAILED: {', '.join(failed)}")
    if failed:
        raise SystemExit(1)


@ledger.command("approve-assessment-scheme")
@click.option("--code", required=True, help="Scheme code, e.g. KH.")
@click.option("--name", required=True, help="Scheme name (销售考核方案).")
@click.option("--valid-from", "valid_from", required=True, type=click.DateTime(["%Y-%m-%d"]),
              help="YYYY-MM-DD: governs the months ending on or after it.")
@click.option("--base-price-list", "base_price_list", required=True, help="Code of the base price list.")
@click.option("--charge-pct", "charge_pct", default="100", show_default=True,
              help="Percentage of the after-tax price difference charged.")
@click.option("--approved-by", "approved_by", required=True, help="User name of a sales director or the general manager.")
def approve_assessment_scheme(code, name, valid_from, base_price_list, charge_pct, approved_by):
    """Add the next version of a sales assessment scheme (versions never change)."""
    from app.actions import BusinessRuleViolation
    from app.services import assessment_schemes

    try:
        result = assessment_schemes.approve_scheme_version(approved_by, code=code, name=name, valid_from=valid_from.date(),
                                                           base_price_list=base_price_list, charge_pct=charge_pct)
    except BusinessRuleViolation as refused:
        raise click.ClickException(f"{refused.code}: {refused}") from None
    click.echo(json.dumps(result, ensure_ascii=False))
