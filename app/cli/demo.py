"""flask demo load"""
import click
from flask.cli import AppGroup

from app.services import demo_organisation


@click.group(cls=AppGroup, help="Demo data.")
def demo():
    pass


@demo.command("load")
def load():
    """Create or refresh the demo organisation (idempotent)."""
    counts = demo_organisation.load_demo_organisation()
    click.echo(f"Demo organisation: {counts['created']} created, {counts['updated']} already there.")
    click.echo(f"Every demo user signs in with the password '{demo_organisation.DEMO_PASSWORD}'.")
