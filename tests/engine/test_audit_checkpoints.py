"""Signed checkpoints: a chain rewritten consistently in the database passes
the old verify but not the checkpoint; a forged signature, a wrong key or an
edited export is refused; one instance's evidence verifies alone."""
import json

from sqlalchemy import select, text

from app.audit.chain import event_hash
from app.audit.evidence_check import recomputed_hash, verify_instance_evidence
from app.audit.merkle import inclusion_path, leaf_hash, merkle_root, root_from_path
from app.audit.signing import public_pem, load_private_key, write_new_key
from app.extensions import db
from app.models import AuditEvent, User
from app.services import checkpoints
from app.services.evidence import evidence_pack
from tests.engine.test_audit_log import TRIP, _walk


def _events(instance_id):
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.instance_id == instance_id).order_by(AuditEvent.seq)))


def _rewrite_consistently(instance_id, seq, data):
    """What someone with write access to the database could do: edit one
    event, recompute every later hash and link, move the head."""
    prev = ""
    for event in _events(instance_id):
        fields = {name: getattr(event, name) for name in ("chain", "seq", "at", "kind", "element_id", "task_id", "actor",
                                                         "on_behalf_of", "data")}
        if event.seq == seq:
            fields["data"] = data
        digest = event_hash(prev, fields)
        db.session.execute(text("UPDATE audit_event SET data = :data, prev_hash = :prev, hash = :hash WHERE id = :id"),
                           {"data": json.dumps(fields["data"]), "prev": prev, "hash": digest, "id": event.id})
        prev = digest
    db.session.execute(text("UPDATE process_instance SET audit_head = :head WHERE id = :id"), {"head": prev, "id": instance_id})
    db.session.commit()
    db.session.expire_all()


def _export_to(tmp_path, cli, name="cp.json"):
    path = tmp_path / name
    result = cli.invoke(args=["audit", "export-checkpoint", str(path)])
    assert result.exit_code == 0, result.output
    return path


def _public_key(tmp_path):
    made = checkpoints.latest_checkpoint()
    path = tmp_path / "public.pem"
    path.write_text(made.public_key)
    return path


def test_merkle_paths_lead_to_the_root_for_every_leaf_of_every_size():
    for size in range(1, 12):
        leaves = [leaf_hash(f"instance:{n}", n, f"{n:064x}") for n in range(size)]
        root = merkle_root(leaves)
        for index in range(size):
            path = inclusion_path(leaves, index)
            assert root_from_path(leaves[index], path) == root
            if path:
                bent = [[side, "0" * 64] if i == 0 else [side, sibling] for i, (side, sibling) in enumerate(path)]
                assert root_from_path(leaves[index], bent) != root
        assert root_from_path(leaf_hash("instance:99", 1, "0" * 64), inclusion_path(leaves, 0)) != root


def test_the_standalone_hash_rule_is_the_chains(flow):
    instance = _walk(flow)
    prev = ""
    for event in _events(instance.id):
        exported = {name: getattr(event, name) for name in ("chain", "seq", "kind", "element_id", "task_id", "actor",
                                                           "on_behalf_of", "data")}
        exported["at"] = event.at.isoformat()
        assert recomputed_hash(prev, exported) == event.hash
        prev = event.hash


def test_a_consistent_rewrite_passes_verify_but_not_the_checkpoint(flow, cli, tmp_path):
    instance = _walk(flow)
    made = cli.invoke(args=["audit", "checkpoint"])
    assert made.exit_code == 0 and "Checkpoint #" in made.output
    export, key = _export_to(tmp_path, cli), _public_key(tmp_path)
    clean = cli.invoke(args=["audit", "verify", "--checkpoint", str(export), "--public-key", str(key)])
    assert clean.exit_code == 0 and "still match it" in clean.output, clean.output

    _rewrite_consistently(instance.id, 4, {"decision": "approve", "comment": "同意"})
    assert cli.invoke(args=["audit", "verify", str(instance.id)]).exit_code == 0  # the old check cannot see it
    assert "intact" in cli.invoke(args=["audit", "verify", "--all"]).output
    caught = cli.invoke(args=["audit", "verify", "--checkpoint", str(export), "--public-key", str(key)])
    assert caught.exit_code == 1
    assert f"CHANGED instance:{instance.id}: rewritten" in caught.output
    assert caught.output.count("CHANGED") == 1  # only that chain is named


def test_a_chain_that_only_grew_is_fine_and_a_truncated_or_missing_one_is_named(flow, cli, tmp_path):
    running = flow.start("travel_request", TRIP, "rep_north1")
    other = _walk(flow)
    checkpoints.make_checkpoint(None)
    export = _export_to(tmp_path, cli)
    flow.approve(running, "Task_ManagerApproval", "rm_north")
    assert cli.invoke(args=["audit", "verify", "--checkpoint", str(export)]).exit_code == 0

    last = _events(other.id)[-1]
    db.session.execute(text("DELETE FROM audit_event WHERE id = :id"), {"id": last.id})
    db.session.execute(text("UPDATE process_instance SET audit_seq = audit_seq - 1, audit_head = :h WHERE id = :id"),
                       {"h": last.prev_hash, "id": other.id})
    db.session.commit()
    result = cli.invoke(args=["audit", "verify", "--checkpoint", str(export)])
    assert result.exit_code == 1 and f"CHANGED instance:{other.id}: truncated" in result.output

    doc = json.loads(export.read_text())
    assert any(leaf[0] == f"instance:{running.id}" for leaf in doc["leaves"])

    db.session.execute(text("DELETE FROM audit_event WHERE chain = 'definition:travel_request'"))
    db.session.commit()
    result = cli.invoke(args=["audit", "verify", "--checkpoint", str(export)])
    assert "CHANGED definition:travel_request: missing" in result.output and result.exit_code == 1

    db.session.execute(text("UPDATE audit_event SET chain = 'ledger:forged' WHERE chain = 'definition:mail_order'"))
    db.session.commit()
    result = cli.invoke(args=["audit", "verify", "--checkpoint", str(export)])
    assert "CHANGED ledger:forged: added" in result.output and "CHANGED definition:mail_order: missing" in result.output


def test_wrong_key_forged_signature_and_edited_export_are_refused(flow, cli, tmp_path):
    instance = _walk(flow)
    checkpoints.make_checkpoint(None)
    export = _export_to(tmp_path, cli)
    stranger = tmp_path / "stranger.pem"
    (tmp_path / "stranger.pub").write_text(public_pem(load_private_key(write_new_key(stranger))))
    wrong = cli.invoke(args=["audit", "verify", "--checkpoint", str(export), "--public-key", str(tmp_path / "stranger.pub")])
    assert wrong.exit_code == 1 and "REFUSED: the checkpoint was signed with another key" in wrong.output

    doc = json.loads(export.read_text())
    leaf = next(leaf for leaf in doc["leaves"] if leaf[0] == f"instance:{instance.id}")
    leaf[2] = "0" * 64  # someone edits the export to match a rewritten database
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(doc))
    result = cli.invoke(args=["audit", "verify", "--checkpoint", str(edited)])
    assert result.exit_code == 1 and "REFUSED: the leaves do not give the signed root" in result.output

    doc = json.loads(export.read_text())
    doc["root"] = "f" * 64
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps(doc))
    result = cli.invoke(args=["audit", "verify", "--checkpoint", str(forged)])
    assert result.exit_code == 1 and "REFUSED: the signature is not valid" in result.output


def test_one_instance_evidence_verifies_with_only_the_pack_and_the_key(flow, tmp_path):
    instance = _walk(flow)
    auditor = db.session.scalar(select(User).where(User.username == "auditor"))
    assert "no signed checkpoint" in verify_instance_evidence(evidence_pack(instance.id, auditor), "").problems[0]
    made = checkpoints.make_checkpoint(None)
    pack = json.loads(json.dumps(evidence_pack(instance.id, auditor)))  # as a file would carry it
    verdict = verify_instance_evidence(pack, made.public_key)
    assert verdict.ok, verdict.problems
    assert verdict.covered_seq == instance.audit_seq == len(pack["events"])

    stranger = public_pem(load_private_key(write_new_key(tmp_path / "stranger.pem")))
    assert "another key" in verify_instance_evidence(pack, stranger).problems[0]
    edited = json.loads(json.dumps(pack))
    edited["events"][3]["data"]["comment"] = "改过"
    assert not verify_instance_evidence(edited, made.public_key).ok
    rewritten = json.loads(json.dumps(pack))  # a consistent rewrite of the pack: every hash recomputed
    rewritten["events"][3]["data"]["comment"] = "改过"
    prev = ""
    for event in rewritten["events"]:
        event["prev_hash"], event["hash"] = prev, recomputed_hash(prev, event)
        prev = event["hash"]
    rewritten["chain_head"]["hash"] = prev
    for broken in ({**pack, "events": "x"}, {**pack, "proof": {"leaf": 3, "path": 5}}, {**pack, "checkpoint": [1]}, [], None):
        assert not verify_instance_evidence(broken, made.public_key).ok  # refused, never raised
    problems = verify_instance_evidence(rewritten, made.public_key).problems
    assert problems == [f"event {instance.audit_seq} does not hash to the head the checkpoint signed: the history was rewritten"]


def test_keygen_writes_a_key_and_never_overwrites_it(cli, tmp_path, app):
    path = tmp_path / "keys" / "signing.pem"
    assert cli.invoke(args=["audit", "keygen", str(path)]).exit_code == 0
    assert path.stat().st_mode & 0o777 == 0o600
    before = path.read_bytes()
    again = cli.invoke(args=["audit", "keygen", str(path)])
    assert again.exit_code == 1 and "never overwritten" in again.output and path.read_bytes() == before


def test_a_configured_key_is_used_and_a_missing_one_is_not_made(flow, cli, tmp_path, app):
    path = tmp_path / "configured.pem"
    app.config["AUDIT_SIGNING_KEY_PATH"] = str(path)
    try:
        missing = cli.invoke(args=["audit", "checkpoint"])
        assert missing.exit_code == 1 and "flask audit keygen" in missing.output and not path.exists()
        cli.invoke(args=["audit", "keygen", str(path)])
        assert cli.invoke(args=["audit", "checkpoint"]).exit_code == 0
        assert checkpoints.latest_checkpoint().public_key == public_pem(load_private_key(path))
    finally:
        app.config["AUDIT_SIGNING_KEY_PATH"] = None


def test_the_worker_makes_one_when_due_and_not_again_until_the_log_grows(flow, frozen_clock, app):
    app.config["AUDIT_CHECKPOINT_INTERVAL"] = 60
    try:
        first = checkpoints.make_due_checkpoint()
        assert first is not None and checkpoints.latest_checkpoint().made_by == "worker"
        assert checkpoints.make_due_checkpoint() is None  # not due yet
        frozen_clock.advance(hours=2)
        assert checkpoints.make_due_checkpoint() is None  # due, but nothing new to cover
        flow.start("travel_request", TRIP, "rep_north1")
        assert checkpoints.make_due_checkpoint() > first
        frozen_clock.advance(hours=2)
        flow.start("travel_request", TRIP, "rep_north1")
        app.config["AUDIT_CHECKPOINT_INTERVAL"] = 0
        assert checkpoints.make_due_checkpoint() is None  # switched off
    finally:
        app.config["AUDIT_CHECKPOINT_INTERVAL"] = 60
