"""The standalone check of one instance's evidence pack: with only the pack
(its JSON) and the public key, no database and nothing of the platform but
this file, merkle.py and signing.py (standard library and ``cryptography``).

It recomputes every event's hash (the rule of app/audit/chain.py, restated
here so the three files can be handed to an auditor; a test keeps the two
equal), checks the links, finds the checkpointed head among the events,
follows the inclusion path to the checkpoint's root and checks the root's
signature under the given key."""
import hashlib
import json
from dataclasses import dataclass, field

from app.audit.merkle import leaf_hash, root_from_path
from app.audit.signing import KeyProblem, fingerprint, signature_valid

EVIDENCE_FORMAT = "lanes-instance-evidence/1"
HASHED_FIELDS = ("chain", "seq", "at", "kind", "element_id", "task_id", "actor", "on_behalf_of", "data")


def recomputed_hash(prev_hash: str, event: dict) -> str:
    """An exported event's hash, from its fields (``at`` as ISO text)."""
    body = {name: event[name] for name in HASHED_FIELDS}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((prev_hash + text).encode()).hexdigest()


@dataclass
class EvidenceVerdict:
    ok: bool = False
    problems: list[str] = field(default_factory=list)
    events: int = 0
    covered_seq: int | None = None  # events 1..covered_seq are under the signed checkpoint


def _check_events(doc: dict, verdict: EvidenceVerdict) -> list[dict]:
    chain, events = doc.get("chain"), doc.get("events") or []
    prev = ""
    if not isinstance(events, list) or not all(isinstance(event, dict) for event in events):
        verdict.problems.append("the events are malformed")
        return []
    for expected_seq, event in enumerate(events, start=1):
        try:
            digest = recomputed_hash(prev, event)
        except (KeyError, TypeError) as exc:
            verdict.problems.append(f"event {expected_seq} is incomplete: {exc}")
            return events
        if event.get("chain") != chain or event.get("seq") != expected_seq:
            verdict.problems.append(f"event {expected_seq} is out of place (chain {event.get('chain')}, seq {event.get('seq')})")
        if event.get("prev_hash") != prev:
            verdict.problems.append(f"event {expected_seq}: its link to the previous event is broken")
        if digest != event.get("hash"):
            verdict.problems.append(f"event {expected_seq}: its content does not match its hash (edited)")
        prev = digest
    head = doc.get("chain_head") if isinstance(doc.get("chain_head"), dict) else {}
    if head.get("seq") != len(events) or head.get("hash") != prev:
        verdict.problems.append(f"the chain head ({head.get('seq')}) does not match the {len(events)} events")
    verdict.events = len(events)
    return events


def _check_checkpoint(doc: dict, events: list[dict], public_key_pem: str, verdict: EvidenceVerdict) -> None:
    checkpoint, proof = doc.get("checkpoint"), doc.get("proof")
    if not checkpoint or not proof:
        verdict.problems.append("no signed checkpoint covers this instance yet")
        return
    if not isinstance(checkpoint, dict) or not isinstance(proof, dict):
        verdict.problems.append("the checkpoint or its proof is malformed")
        return
    try:
        if fingerprint(public_key_pem) != checkpoint.get("key_fingerprint"):
            verdict.problems.append("the checkpoint was signed with another key than the one given")
            return
        if not signature_valid(public_key_pem, checkpoint, checkpoint.get("signature") or ""):
            verdict.problems.append("the checkpoint's signature is not valid under the given key")
            return
    except KeyProblem as exc:
        verdict.problems.append(f"the public key cannot be used: {exc}")
        return
    leaf = proof.get("leaf") if isinstance(proof.get("leaf"), list) else []
    chain, seq, head = (leaf + [None, None, None])[:3]
    if chain != doc.get("chain") or not isinstance(seq, int) or not 1 <= seq <= len(events):
        verdict.problems.append(f"the checkpoint's leaf {leaf!r} is not a head of this instance's chain")
        return
    if events[seq - 1].get("hash") != head:
        verdict.problems.append(f"event {seq} does not hash to the head the checkpoint signed: the history was rewritten")
        return
    try:
        reached = root_from_path(leaf_hash(chain, seq, head), list(proof.get("path") or []))
    except (ValueError, TypeError) as exc:
        verdict.problems.append(f"the inclusion path is malformed: {exc}")
        return
    if reached != checkpoint.get("root"):
        verdict.problems.append("the inclusion path does not lead to the signed root")
        return
    verdict.covered_seq = seq


def verify_instance_evidence(doc: dict, public_key_pem: str) -> EvidenceVerdict:
    """The verdict on an evidence pack: ``ok`` when every event hashes and
    links, and the signed checkpoint covers the chain. Never raises for a bad
    pack: each problem is named in ``problems``."""
    verdict = EvidenceVerdict()
    if not isinstance(doc, dict) or doc.get("format") != EVIDENCE_FORMAT:
        verdict.problems.append(f"not a {EVIDENCE_FORMAT} document")
        return verdict
    events = _check_events(doc, verdict)
    _check_checkpoint(doc, events, public_key_pem, verdict)
    verdict.ok = not verdict.problems
    return verdict
