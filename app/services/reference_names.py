"""Master-data codes as a person reads them: a customer's code with its name
("C00001 华东机电有限公司"), a material's with its name and spec ("MTR001
不锈钢球阀 DN50 PN16": six materials share a name, only the spec tells them
apart). Forms store and submit the code; pages show it with its name."""
from sqlalchemy import select

from app.extensions import db
from app.models import Customer, Material

NAMED_REFS = ("customer", "material")


def material_name(material: Material) -> str:
    """A material's name with its spec, as one reads it."""
    return " ".join(part for part in (material.name, material.spec) if part)


def names_of(ref: str, codes) -> dict[str, str]:
    """Code -> name (a material's with its spec) of the ``ref`` master data
    (customer or material) among ``codes``; codes nobody has are left out,
    as is every code of another ref. Reads only."""
    wanted = {code for code in codes if isinstance(code, str) and code}
    if not wanted or ref not in NAMED_REFS:
        return {}
    if ref == "customer":
        return dict(db.session.execute(select(Customer.code, Customer.name).where(Customer.code.in_(wanted))).all())
    return {m.code: material_name(m) for m in db.session.scalars(select(Material).where(Material.code.in_(wanted)))}


def with_name(ref: str | None, code) -> str:
    """``code`` followed by its name ("C00001 华东机电有限公司"); the code
    alone when ``ref`` names nothing (not a customer or material, or no
    such code), e.g. text a ledger already wrote with the name in it."""
    text = "" if code is None else str(code)
    name = names_of(ref, [text]).get(text) if ref else None
    return f"{text} {name}" if name else text
