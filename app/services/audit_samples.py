"""Reproducible audit samples: a population (a filter of the find page), a
size, a method (random, stratified by process, stratified by amount band)
and a seed give the same sample every time the population is the same.
Each sampled instance carries the attribute checklist (sample_checklist.py).

The seed is shown and goes into every file, with the population's size and
fingerprint (a hash of its ids), so a reviewer can draw the sample again and
see that it is the same."""
import random
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Mapping

from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import ProcessInstance, User
from app.services import population_rows
from app.services.population_export import BadArgument, ControlTotals, ExportedFile, check_format, ensure_auditor, record_export, write_file
from app.services.population_files import MIMETYPES
from app.services.population_rows import PopulationRow
from app.services.sample_checklist import COMPUTED, COMPUTED_LABELS, MANUAL, MANUAL_ATTRIBUTES, Attribute, checklist
from app.services.sample_draw import METHODS, SEED_MAX, Fingerprint, draw, fingerprint, stratum_of
from app.services.unit_of_work import use_case

MAX_SIZE = 200
DEFAULT_SIZE = 25
DEFAULT_METHOD = "random"


@dataclass(frozen=True)
class SampleRequest:
    args: Mapping[str, str]  # the population filter, as given
    size: int
    method: str
    seed: int


@dataclass(frozen=True)
class SampledInstance:
    stratum: str
    row: PopulationRow
    checklist: list[Attribute]


@dataclass(frozen=True)
class Sample:
    filter: dict
    method: str
    size: int
    seed: int
    population: int
    population_fingerprint: str
    sample_fingerprint: str
    strata: dict  # stratum -> {"population": n, "drawn": n}
    items: list[SampledInstance]

    def about(self) -> list[tuple[str, str, object]]:
        """The sample's parameters for a file's About block: (English label, suffix, value)."""
        triples = [("Method", "", self.method), ("Seed", "", str(self.seed)), ("Sample size asked", "", self.size),
                   ("Population", "", self.population),
                   ("Population fingerprint (SHA-256 of its ids)", "", self.population_fingerprint),
                   ("Sample fingerprint (SHA-256 of its ids)", "", self.sample_fingerprint)]
        return triples + [("Stratum", f": {name or '-'}", f"{counts['drawn']} / {counts['population']}")
                          for name, counts in self.strata.items()]


def _bad(field: str, message: str) -> BadArgument:
    return BadArgument.for_fields({field: [message]}, message=f"The sample's {field} is not valid.")


def new_seed() -> int:
    """A fresh seed for a first draw; it is shown so the draw can be repeated."""
    return random.SystemRandom().randrange(1, SEED_MAX)


def parse_request(args: Mapping[str, str], *, seed_required: bool = False) -> SampleRequest:
    """size (1–200, default 25), method (random | process | amount), seed
    (a whole number below 10^18; a fresh one when absent unless
    ``seed_required``) and the population filter from query arguments.
    Raises BadArgument or BadFilter (both 400) naming the field."""
    size_text = (args.get("size") or "").strip() or str(DEFAULT_SIZE)
    if not size_text.isascii() or not size_text.isdigit() or not 1 <= int(size_text) <= MAX_SIZE:
        raise _bad("size", f"Must be a whole number from 1 to {MAX_SIZE}.")
    method = (args.get("method") or "").strip() or DEFAULT_METHOD
    if method not in METHODS:
        raise _bad("method", f"Must be one of: {', '.join(METHODS)}.")
    seed_text = (args.get("seed") or "").strip()
    if not seed_text and seed_required:
        raise _bad("seed", "Give the seed of the sample.")
    if seed_text and (not seed_text.isascii() or not seed_text.isdigit() or len(seed_text) > 18):
        raise _bad("seed", "Must be a whole number of at most 18 digits.")
    population_rows.parse(args)  # the filter's own fields are checked here, before any reading
    return SampleRequest(args, int(size_text), method, int(seed_text) if seed_text else new_seed())


def draw_sample(user: User, args: Mapping[str, str], *, seed_required: bool = False) -> Sample:
    """Draw the sample the query arguments ask for (parse_request) and
    compute each sampled instance's checklist. Reads only. Raises Forbidden
    (not an auditor or process administrator), BadArgument or BadFilter (naming the field)."""
    ensure_auditor(user)
    request = parse_request(args, seed_required=seed_required)
    flt = population_rows.parse(request.args)
    population, strata = Fingerprint(), Counter()

    def counted():
        for member in population_rows.members(flt):
            population.add(member.id)
            strata[stratum_of(member, request.method)] += 1
            yield member

    chosen = draw(counted(), request.size, request.method, request.seed)
    rows = population_rows.rows_of([member_id for _, member_id in chosen])
    instances = {instance.id: instance for instance in db.session.scalars(
        select(ProcessInstance).where(ProcessInstance.id.in_(sorted(rows))))}
    items = [SampledInstance(stratum, rows[member_id], checklist(instances[member_id]))
             for stratum, member_id in chosen if member_id in rows]
    drawn = Counter(stratum for stratum, _ in chosen)
    return Sample(population_rows.described(flt), request.method, request.size, request.seed, sum(strata.values()),
                  population.hexdigest(), fingerprint(member_id for _, member_id in chosen),
                  {name: {"population": strata[name], "drawn": drawn[name]} for name in sorted(strata)}, items)


def _shown(attribute: Attribute, translate: Callable[[str], str]) -> str:
    if attribute.kind != COMPUTED:
        return ""  # for the auditor to fill in
    mark = {True: translate("yes"), False: translate("no"), None: translate("n/a")}[attribute.result]
    return f"{mark} ({attribute.note})" if attribute.note else mark


@use_case
def export_sample(user: User, args: Mapping[str, str], fmt: str | None,
                  translate: Callable[[str], str] = lambda text: text) -> ExportedFile:
    """The sample (its seed required, so the file is the sample on the
    page) as CSV or XLSX: the rows with one column per checklist attribute
    (computed ones filled in, manual ones empty), and its method, seed,
    population size and fingerprints in the About block; recorded as
    ``sample_exported`` on the exports chain. Raises Forbidden, BadFilter,
    BadArgument (size, method, seed, format)."""
    ensure_auditor(user)
    fmt = check_format(fmt)
    sample = draw_sample(user, args, seed_required=True)
    totals = ControlTotals()
    generated_at = clock.now()
    manifest = {"what": "Sample", "format": fmt, "filter": sample.filter, "method": sample.method, "seed": str(sample.seed),
                "size": sample.size, "population": sample.population,
                "population_fingerprint": sample.population_fingerprint, "sample_fingerprint": sample.sample_fingerprint,
                "generated_at": generated_at.isoformat(timespec="seconds"), "generated_by": user.username,
                "totals": {}, "extra": sample.about()}
    attributes = sample.items[0].checklist if sample.items else checklist_labels()
    header = ([translate("Stratum")] + [translate(label) for label in population_rows.HEADER]
              + [f"{translate(attribute.label)} ({translate(attribute.kind)})" for attribute in attributes])

    def rows():
        for item in sample.items:
            totals.add(item.row.status, item.row.process_key, item.row.amount)
            yield [item.stratum] + item.row.cells() + [_shown(attribute, translate) for attribute in item.checklist]
        manifest["totals"] = totals.as_dict()

    written = write_file(fmt, header, rows(), manifest, translate, (translate("Sample"), translate("About")))
    record_export("sample_exported", user, manifest, written)
    stamp = generated_at.strftime("%Y%m%d-%H%M%S")
    return ExportedFile(written, f"sample-{sample.seed}-{stamp}.{fmt}", MIMETYPES[fmt], manifest)


def checklist_labels() -> list[Attribute]:
    """The checklist's attributes without results (the columns of an empty sample)."""
    return ([Attribute(code, label, COMPUTED) for code, label in COMPUTED_LABELS.items()]
            + [Attribute(code, label, MANUAL) for code, label in MANUAL_ATTRIBUTES])
