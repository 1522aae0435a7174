"""flask users create|list"""
import click
from flask.cli import AppGroup

from app.errors import LanesError
from app.models import Level
from app.services import accounts


@click.group(cls=AppGroup, help="Manage user accounts.")
def users():
    pass


@users.command("create")
@click.argument("username")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--role", "roles", multiple=True, help="A role code; repeat for several.")
@click.option("--display-name")
@click.option("--manager", help="Username of the user's manager.")
@click.option("--department")
@click.option("--region")
@click.option("--level", type=click.Choice(list(Level.__members__)), default="staff", show_default=True)
def create(username, password, roles, display_name, manager, department, region, level):
    """Create a user."""
    try:
        user = accounts.create_user(
            username, password, roles=list(roles), display_name=display_name,
            manager=manager, department=department, region=region, level=level,
            reason="flask users create",
        )
    except LanesError as exc:
        fields = exc.details.get("fields", {})
        lines = [f"  {name}: {'; '.join(msgs)}" for name, msgs in fields.items()]
        raise click.ClickException("\n".join([exc.message, *lines]))
    click.echo(f"Created {user.username} ({', '.join(user.role_codes) or 'no roles'}).")


@users.command("list")
def list_():
    """List users with their roles and managers."""
    for user in accounts.list_users():
        manager = user.manager.username if user.manager else "-"
        state = "" if user.active else " (inactive)"
        click.echo(f"{user.username:<16} {user.display_name:<10} {user.level.value:<16} "
                   f"manager={manager:<12} roles={','.join(user.role_codes)}{state}")
