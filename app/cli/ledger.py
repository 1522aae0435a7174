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
