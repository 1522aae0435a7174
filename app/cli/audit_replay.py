"""flask audit replay: re-execute instances from their audit log."""
import click

from app.cli.audit import audit
from app.services import replay, replay_pool


@audit.command("replay")
@click.argument("instance_id", required=False, type=int)
@click.option("--all", "everything", is_flag=True, help="Every instance.")
@click.option("--jobs", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Worker processes (each with its own connection).")
def replay_command(instance_id, everything, jobs):
    """Feed an instance's recorded inputs to a fresh engine on its pinned
    version and compare with its stored state. Exit status 1 when any
    instance diverges or cannot be re-executed."""
    if (instance_id is None) == (not everything):
        raise click.UsageError("Give an INSTANCE_ID or --all (not both).")
    ids = replay.instance_ids() if everything else replay.instance_ids(instance_id, instance_id)
    if not ids:
        raise click.UsageError(f"No process instance {instance_id}.")
    with click.progressbar(length=len(ids), label="Re-executing", show_pos=True) as bar:
        verdicts = replay_pool.reexecute_all(ids, jobs, bar.update)
    counts = {"VERIFIED": 0, "DIVERGED": 0, "NOT_REEXECUTABLE": 0}
    for verdict in verdicts:
        counts[verdict["status"]] += 1
        if verdict["status"] == "DIVERGED":
            click.echo(f"DIVERGED instance {verdict['instance_id']} at event {verdict['seq']}: {verdict['difference']}")
        elif verdict["status"] == "NOT_REEXECUTABLE":
            at = f" at event {verdict['seq']}" if verdict["seq"] is not None else ""
            click.echo(f"NOT RE-EXECUTABLE instance {verdict['instance_id']}{at}: {verdict['difference']}")
    click.echo(f"{counts['VERIFIED']} verified, {counts['DIVERGED']} diverged, "
               f"{counts['NOT_REEXECUTABLE']} not re-executable ({len(verdicts)} instance(s)).")
    if counts["DIVERGED"] or counts["NOT_REEXECUTABLE"]:
        raise SystemExit(1)
