"""flask processes deploy|list"""
from pathlib import Path

import click
from flask.cli import AppGroup

from app.services import deployment


@click.group(cls=AppGroup, help="Deploy and list process definitions.")
def processes():
    pass


@processes.command("deploy")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
def deploy(paths):
    """Deploy BPMN, DMN and form files (default: processes/ and forms/)."""
    try:
        files = deployment.files_from_paths(list(paths) or list(deployment.DEFAULT_DIRS))
        results = deployment.deploy(files)
    except deployment.DeploymentRejected as exc:
        for problem in exc.problems:
            where = f"{problem.file}:{problem.line}" if problem.line else problem.file
            element = f" [{problem.element_id}]" if problem.element_id else ""
            click.echo(f"{where}{element}: {problem.message}", err=True)
        raise click.ClickException(exc.message)
    for result in results:
        state = "new version" if result.created else "unchanged"
        click.echo(f"{result.key:<28} v{result.version:<4} {state}")


@processes.command("list")
@click.option("--all", "all_versions", is_flag=True, help="Every version, not only the latest.")
def list_(all_versions):
    """Process keys and their versions."""
    for definition in deployment.latest_definitions(all_versions):
        by = definition.deployed_by.username if definition.deployed_by else "-"
        click.echo(f"{definition.key:<28} v{definition.version:<4} {definition.name}  "
                   f"deployed {definition.deployed_at:%Y-%m-%d %H:%M} by {by}")
