"""flask dealers handbook-add|handbooks|publish"""
from datetime import date
from pathlib import Path

import click
from flask.cli import AppGroup

from app import clock
from app.errors import ValidationFailed
from app.services import recruitment


@click.group(cls=AppGroup, help="Dealer recruitment: the handbook and its publication.")
def dealers():
    pass


def _day(_ctx, _param, value):
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("use YYYY-MM-DD") from None


@dealers.command("handbook-add")
@click.option("--version", "version", required=True, help="The version number, e.g. 2027.1.")
@click.option("--title", required=True, help="The handbook's title.")
@click.option("--effective-from", callback=_day, required=True, help="YYYY-MM-DD: in force from this day.")
@click.option("--approved-by", required=True, help="Username of the sales director or general manager who approved it.")
@click.option("--file", "file", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="The handbook document.")
def handbook_add(version, title, effective_from, approved_by, file):
    """Record an approved version of the recruitment handbook and policies."""
    try:
        handbook = recruitment.add_handbook_version(version, title, effective_from, approved_by, file)
    except ValidationFailed as refused:
        raise click.ClickException(f"{refused.code}: {refused.message}") from None
    click.echo(f"handbook {handbook.version} in force from {handbook.effective_from}")


@dealers.command("handbooks")
def handbooks():
    """List the handbook versions, oldest first."""
    for handbook in recruitment.handbook_versions():
        click.echo(f"{handbook.version}\t{handbook.effective_from}\t{handbook.title}\t{handbook.approved_by.username}")


@dealers.command("publish")
@click.option("--region", required=True, help="The region recruited for, e.g. 华东.")
@click.option("--channel", required=True, help="Where it was published, e.g. 官网, 行业展会.")
@click.option("--on", "on", callback=_day, default=None, help="YYYY-MM-DD (default the business date today).")
@click.option("--by", "publisher", default=None, help="Username of who published it.")
def publish(region, channel, on, publisher):
    """Record that a recruitment was published under the handbook in force."""
    try:
        publication = recruitment.publish(region, channel, on or clock.today(), publisher)
    except ValidationFailed as refused:
        raise click.ClickException(f"{refused.code}: {refused.message}") from None
    click.echo(f"recruitment for {publication.region} published on {publication.published_on} "
               f"under handbook {publication.handbook.version}")
