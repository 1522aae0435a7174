"""flask audit verify | keygen | checkpoint | export-checkpoint | verify-evidence"""
import json

import click
from flask.cli import AppGroup

from app.audit.evidence_check import verify_instance_evidence
from app.errors import LanesError
from app.services import chain_verification, checkpoints


@click.group(cls=AppGroup, help="The audit log.")
def audit():
    pass


def _read_json(file) -> dict:
    try:
        return json.load(file)
    except (ValueError, UnicodeDecodeError) as exc:
        raise click.ClickException(f"{file.name} is not JSON: {exc}") from exc


@audit.command("verify")
@click.argument("instance_id", required=False, type=int)
@click.option("--all", "everything", is_flag=True, help="Every chain: instances and deploys.")
@click.option("--checkpoint", "checkpoint_file", type=click.File("r", encoding="utf-8"),
              help="An exported checkpoint: check its signature, then every chain against it.")
@click.option("--public-key", type=click.File("r"), help="The PEM public key the checkpoint must be signed with.")
def verify(instance_id, everything, checkpoint_file, public_key):
    """Check the hash chain of one instance, or of everything; or every chain
    against a signed checkpoint (exit 1 on any problem)."""
    if checkpoint_file is not None:
        _verify_against_checkpoint(_read_json(checkpoint_file), public_key.read() if public_key else None)
        return
    if instance_id is None and not everything:
        raise click.UsageError("Give an INSTANCE_ID, --all or --checkpoint FILE.")
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


def _verify_against_checkpoint(doc: dict, public_key_pem: str | None):
    verdict = checkpoints.verify_export(doc, public_key_pem)
    if verdict.key_fingerprint:
        whose = "the given key" if public_key_pem else "the file's own key (pass --public-key to check who signed it)"
        click.echo(f"Signed by {verdict.key_fingerprint[:16]}…, {whose}.")
    for problem in verdict.problems:
        click.echo(f"REFUSED: {problem}")
    for finding in verdict.findings:
        click.echo(f"CHANGED {finding.chain}: {finding.problem}: {finding.detail}")
    if not verdict.ok:
        raise SystemExit(1)
    click.echo(f"OK: checkpoint #{doc.get('id')} of {doc.get('at')}: all {verdict.leaves} chain(s) still match it.")


@audit.command("keygen")
@click.argument("path", type=click.Path(dir_okay=False))
def keygen(path):
    """Write a new Ed25519 signing key to PATH (never overwrites); point AUDIT_SIGNING_KEY_PATH at it."""
    try:
        written = checkpoints.new_key_file(path)
    except LanesError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Wrote {written}. Keep it outside the database's backups; set AUDIT_SIGNING_KEY_PATH={written}.")


@audit.command("checkpoint")
def checkpoint():
    """Sign a checkpoint of every chain's head now."""
    try:
        made = checkpoints.make_checkpoint(None)
    except LanesError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Checkpoint #{made.id}: {made.leaf_count} chain(s), root {made.root}, key {made.key_fingerprint[:16]}…")


@audit.command("export-checkpoint")
@click.argument("args", nargs=-1, required=True, metavar="[ID] FILE")
def export_checkpoint(args):
    """Write checkpoint ID (default: the latest) as self-contained JSON to FILE."""
    if len(args) > 2 or (len(args) == 2 and not args[0].isdigit()):
        raise click.UsageError("Give [ID] FILE.")
    try:
        if len(args) == 2:
            chosen = checkpoints.get_checkpoint(int(args[0]))
        else:
            chosen = checkpoints.latest_checkpoint()
            if chosen is None:
                raise click.ClickException("No checkpoint yet: run `flask audit checkpoint`.")
        body = checkpoints.export(chosen)
    except LanesError as exc:
        raise click.ClickException(str(exc)) from exc
    with click.open_file(args[-1], "w", encoding="utf-8") as out:
        json.dump(body, out, ensure_ascii=False, indent=1)
    click.echo(f"Wrote checkpoint #{chosen.id} ({chosen.leaf_count} chain(s)) to {args[-1]}.")


@audit.command("verify-evidence")
@click.argument("file", type=click.File("r", encoding="utf-8"))
@click.option("--public-key", type=click.File("r"), required=True, help="The PEM public key of the signing key.")
def verify_evidence(file, public_key):
    """Check one instance's evidence pack with only the pack and the public key (no database)."""
    verdict = verify_instance_evidence(_read_json(file), public_key.read())
    for problem in verdict.problems:
        click.echo(f"PROBLEM: {problem}")
    if not verdict.ok:
        raise SystemExit(1)
    click.echo(f"OK: {verdict.events} event(s) intact; events 1–{verdict.covered_seq} under the signed checkpoint.")
