"""Drawing a reproducible audit sample from a population of instances.

The population is put in id order before anything is drawn and every draw
comes from ``random.Random(seed)``, so the same seed over the same
population gives the same sample on any database and any machine. Methods:

- ``random``: a simple random sample of ``size`` instances;
- ``process``: stratified by process key;
- ``amount``: stratified by amount band (``AMOUNT_BANDS``; no amount is a band).

A stratified sample gives every stratum at least one instance (so it may be
larger than asked when there are more strata than ``size``), and shares the
rest in proportion to the strata's sizes (largest remainder, ties to the
stratum that sorts first)."""
import hashlib
import random
from array import array
from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable

METHODS = ("random", "process", "amount")
# Upper bounds (exclusive) of the amount bands, in yuan.
AMOUNT_BANDS = (Decimal("10000"), Decimal("100000"), Decimal("1000000"))
NO_AMOUNT = "-"
SEED_MAX = 10 ** 18


@dataclass(frozen=True)
class Member:
    """One instance of the population, as the draw sees it."""

    id: int
    process_key: str
    amount: Decimal | None


def amount_band(amount: Decimal | None) -> str:
    """The band's label: ``< 10000``, ``10000 – 100000``, …, ``>= 1000000``, or ``-``."""
    if amount is None:
        return NO_AMOUNT
    lower = None
    for upper in AMOUNT_BANDS:
        if amount < upper:
            return f"< {upper}" if lower is None else f"{lower} – {upper}"
        lower = upper
    return f">= {lower}"


def _band_order(label: str) -> tuple:
    """Bands sort by amount (no amount last), not as text."""
    if label == NO_AMOUNT:
        return (len(AMOUNT_BANDS) + 1, label)
    for index, upper in enumerate(AMOUNT_BANDS):
        if label == amount_band(upper - Decimal("0.01")):
            return (index, label)
    return (len(AMOUNT_BANDS), label)


def stratum_of(member: Member, method: str) -> str:
    if method == "process":
        return member.process_key
    if method == "amount":
        return amount_band(member.amount)
    return ""


def allocate(size: int, strata: dict[str, int]) -> dict[str, int]:
    """How many to draw from each stratum: at least one each, the rest in
    proportion to the stratum sizes, never more than a stratum holds."""
    total = sum(strata.values())
    keys = sorted(strata)
    if total == 0:
        return {}
    if size >= total:
        return dict(strata)
    shares = {key: size * strata[key] / total for key in keys}
    counts = {key: min(strata[key], max(1, int(shares[key]))) for key in keys}
    remaining = size - sum(counts.values())
    by_remainder = sorted(keys, key=lambda key: (-(shares[key] - int(shares[key])), key))
    while remaining > 0:
        open_keys = [key for key in by_remainder if counts[key] < strata[key]]
        if not open_keys:
            break
        for key in open_keys[:remaining]:
            counts[key] += 1
        remaining = size - sum(counts.values())
    return counts


def draw(population: Iterable[Member], size: int, method: str, seed: int) -> list[tuple[str, int]]:
    """(stratum, instance id) for each instance drawn, in stratum then id
    order. ``population`` is read once and kept as ids only (8 bytes each).
    Raises ValueError for an unknown method (the caller validates first)."""
    if method not in METHODS:
        raise ValueError(f"unknown sampling method {method!r}")
    groups: dict[str, array] = {}
    for member in population:
        groups.setdefault(stratum_of(member, method), array("q")).append(member.id)
    counts = allocate(size, {key: len(ids) for key, ids in groups.items()})
    order = sorted(groups, key=_band_order) if method == "amount" else sorted(groups)
    rng = random.Random(seed)
    chosen = []
    for key in order:
        picked = rng.sample(sorted(groups[key]), counts[key])
        chosen += [(key, member_id) for member_id in sorted(picked)]
    return chosen


class Fingerprint:
    """SHA-256 of instance ids fed in ascending order, comma-separated: two
    populations (or two samples) with the same fingerprint hold the same
    instances."""

    def __init__(self):
        self._digest = hashlib.sha256()
        self._first = True

    def add(self, member_id: int) -> None:
        self._digest.update(f"{'' if self._first else ','}{member_id}".encode())
        self._first = False

    def hexdigest(self) -> str:
        return self._digest.hexdigest()


def fingerprint(ids) -> str:
    """The Fingerprint of ``ids`` (sorted first)."""
    mark = Fingerprint()
    for member_id in sorted(ids):
        mark.add(member_id)
    return mark.hexdigest()
