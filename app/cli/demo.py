"""flask demo load"""
import click
from flask.cli import AppGroup

from app.demo import master_data, organisation


@click.group(cls=AppGroup, help="Demo data.")
def demo():
    pass


@demo.command("load")
def load():
    """Create or refresh the demo organisation and master data (idempotent)."""
    counts = organisation.load_demo_organisation()
    click.echo(f"Demo organisation: {counts['created']} created, {counts['updated']} already there.")
    click.echo(f"Every demo user signs in with the password '{organisation.DEMO_PASSWORD}'.")
    data = master_data.load_demo_master_data()
    click.echo(f"Demo master data: {data['customers']} customers, {data['materials']} products, "
               f"{data['price_items']} price items, {data['price_rules']} price rules.")
