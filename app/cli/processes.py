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


@processes.command("import-camunda")
@click.argument("bpmn", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("dmn", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Directory the converted files are written to.")
@click.option("--map", "mappings", multiple=True, metavar="GROUP=ROLE",
              help="Camunda group (or lane name) to role code; repeatable. Unmapped names stay as they are.")
@click.option("--key", default=None, help="Process key of the result (default: the Camunda process id).")
def import_camunda(bpmn, dmn, out_dir, mappings, key):
    """Convert a Camunda 7 BPMN file (and its DMN files) into this platform's
    BPMN, DMN and form files, print what could not be carried over, and run
    the deploy check on the result. Exits 1 when the check fails."""
    from app.errors import ValidationFailed
    from app.services import camunda_import
    try:
        outcome = camunda_import.convert_model((bpmn.name, bpmn.read_bytes()), {p.name: p.read_bytes() for p in dmn},
                                               camunda_import.parse_role_map(mappings), key)
    except ValidationFailed as exc:
        raise click.ClickException("; ".join(m for msgs in (exc.details or {}).get("fields", {}).values()
                                             for m in msgs) or exc.message)
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, text in sorted(outcome.files.items()):
        (out_dir / name).write_text(text, encoding="utf-8")
        click.echo(f"wrote {out_dir / name}")
    for item in outcome.report:
        where = item.element_id + (f" ({item.element_name})" if item.element_name else "") if item.element_id else "-"
        click.echo(f"{item.severity.upper():<7} {item.file} {where}: {item.message}")
    for problem in outcome.problems:
        click.echo(f"DEPLOY CHECK {problem.file}:{problem.line or ''} [{problem.element_id or ''}] {problem.message}",
                   err=True)
    if outcome.problems:
        raise click.ClickException(f"{len(outcome.problems)} problem(s) stop the result from deploying.")
    click.echo("The deploy check passes.")
