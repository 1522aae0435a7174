"""flask audit verify"""
import click
from flask.cli import AppGroup

from app.services import chain_verification


@click.group(cls=AppGroup, help="The audit log.")
def audit():
    pass


@audit.command("verify")
@click.argument("instance_id", required=False, type=int)
@click.option("--all", "everything", is_flag=True, help="Every chain: instances and deploys.")
def verify(instance_id, everything):
    """Check the hash chain of one instance, or of everything."""
    if instance_id is None and not everything:
        raise click.UsageError("Give an INSTANCE_ID or --all.")
    chains = chain_verification.chains_to_verify(None if everything else instance_id)
    broken = []
    with click.progressbar(chains, label="Verifying", show_pos=True) as bar:
        for chain in bar:
            verdict = chain_verification.verify(chain)
            if not verdict.ok:
                broken.append(verdict)
    for verdict in broken:
        click.echo(f"BROKEN {verdict.chain} at event {verdict.first_bad_seq}: {verdict.reason}")
    if broken:
        raise SystemExit(1)
    click.echo(f"OK: {len(chains)} chain(s) intact.")
