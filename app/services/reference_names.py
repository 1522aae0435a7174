"""Master-data codes as a person reads them: a customer's code with its name
("C00001 华东机电有限公司"), a material's with its name and spec ("MTR001
不锈钢球阀 DN50 PN16": six materials share a name, only the spec tells them
apart), a class of either or a price list with its name ("PUMP_CF
单级离心泵"), a person by name with the login beside it ("孙海涛
(rep_east2)", as the people lookup lists them: two people may share a
name). Forms store and submit the code; pages show it with its name."""
from sqlalchemy import select

from app.extensions import db
from app.models import Customer, CustomerClass, Material, MaterialClass, PriceList, User

# ref -> (code column, name column); materials are named with their spec, below
_NAME_COLUMNS = {
    "customer": (Customer.code, Customer.name), "user": (User.username, User.display_name),
    "customer_class": (CustomerClass.code, CustomerClass.name), "material_class": (MaterialClass.code, MaterialClass.name),
    "price_list": (PriceList.code, PriceList.name),
}
NAMED_REFS = ("material", *_NAME_COLUMNS)


def material_name(material: Material) -> str:
    """A material's name with its spec, as one reads it."""
    return " ".join(part for part in (material.name, material.spec) if part)


def names_of(ref: str, codes) -> dict[str, str]:
    """Code -> name (a material's with its spec, a person's display name) of
    the ``ref`` master data (one of NAMED_REFS) among ``codes``; codes nobody
    has are left out, as is every code of another ref. Reads only."""
    wanted = {code for code in codes if isinstance(code, str) and code}
    if not wanted or ref not in NAMED_REFS:
        return {}
    if ref in _NAME_COLUMNS:
        code, name = _NAME_COLUMNS[ref]
        return dict(db.session.execute(select(code, name).where(code.in_(wanted))).all())
    return {m.code: material_name(m) for m in db.session.scalars(select(Material).where(Material.code.in_(wanted)))}


def with_name(ref: str | None, code) -> str:
    """``code`` followed by its name ("C00001 华东机电有限公司"), a person's
    name followed by the login ("孙海涛 (rep_east2)"); the code alone when
    ``ref`` names nothing (not a named ref, or no such code), e.g. text a
    ledger already wrote with the name in it."""
    text = "" if code is None else str(code)
    name = names_of(ref, [text]).get(text) if ref else None
    if not name:
        return text
    return f"{name} ({text})" if ref == "user" else f"{text} {name}"
