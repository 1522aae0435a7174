"""The Merkle tree of a checkpoint: one leaf per audit chain, in the order of
the chains' names. Standard library only, so an auditor's verifier needs
nothing else.

A leaf is ``sha256(0x00 || JSON [chain, seq, head hash])``, an inner node
``sha256(0x01 || left || right)`` (the prefixes keep a leaf from passing for a
node); an odd node at the end of a level is carried up unchanged. The root of
no leaves is ``sha256("")``."""
import hashlib
import json

EMPTY_ROOT = hashlib.sha256(b"").hexdigest()


def leaf_hash(chain: str, seq: int, head: str) -> str:
    body = json.dumps([chain, seq, head], separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(b"\x00" + body.encode()).hexdigest()


def node_hash(left: str, right: str) -> str:
    """Raises ValueError when either side is not hex."""
    return hashlib.sha256(b"\x01" + bytes.fromhex(left) + bytes.fromhex(right)).hexdigest()


def _next_level(level: list[str]) -> list[str]:
    pairs = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
    return pairs + ([level[-1]] if len(level) % 2 else [])


def merkle_root(leaves: list[str]) -> str:
    """The root over leaf hashes, in the order given."""
    level = list(leaves)
    if not level:
        return EMPTY_ROOT
    while len(level) > 1:
        level = _next_level(level)
    return level[0]


def inclusion_path(leaves: list[str], index: int) -> list[list[str]]:
    """The siblings from leaf ``index`` up to the root, each ``["L" | "R",
    hash]`` (the side the sibling is on). Raises IndexError for an index
    outside the leaves."""
    if not 0 <= index < len(leaves):
        raise IndexError(f"no leaf {index} among {len(leaves)}")
    path, level = [], list(leaves)
    while len(level) > 1:
        sibling = index ^ 1
        if sibling < len(level):
            path.append(["L" if sibling < index else "R", level[sibling]])
        level, index = _next_level(level), index // 2
    return path


def root_from_path(leaf: str, path: list) -> str:
    """The root a leaf and its inclusion path lead to. Raises ValueError for
    a malformed path."""
    current = leaf
    for step in path:
        if not isinstance(step, (list, tuple)) or len(step) != 2 or step[0] not in ("L", "R"):
            raise ValueError(f"malformed path step {step!r}")
        side, sibling = step
        current = node_hash(sibling, current) if side == "L" else node_hash(current, sibling)
    return current
