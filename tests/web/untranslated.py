"""Finding Chinese left in an English page: the visible text a person reads
(text nodes, placeholders, and the column names narrow tables show from
``data-label``) that holds CJK characters, outside elements marked
``translate="no"`` and outside known data (master data read from the
database, and whatever values a test passes: what people typed is data, not
the page's words)."""
import re

from sqlalchemy import select

from app.extensions import db
from app.models import Customer, CustomerClass, Material, MaterialClass, PriceList, Region, User

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")  # CJK punctuation, ideographs, full-width forms

_VISIBLE_TEXTS = """(selector) => {
  const found = [];
  const skipped = (element) => !element || element.closest('[translate="no"], script, style, template, textarea, noscript');
  const visible = (element) => element.getClientRects().length > 0 && getComputedStyle(element).visibility !== "hidden";
  for (const scope of document.querySelectorAll(selector)) {
    const walker = document.createTreeWalker(scope, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (node.textContent.trim() && !skipped(parent) && (parent.tagName === "OPTION" || visible(parent))) {
        found.push(node.textContent.trim());
      }
    }
    for (const element of scope.querySelectorAll("[placeholder], [data-label]")) {
      if (skipped(element) || !visible(element)) { continue; }
      for (const name of ["placeholder", "data-label"]) {
        const value = element.getAttribute(name);
        if (value && value.trim()) { found.push(value.trim()); }
      }
    }
  }
  return found;
}"""


def master_data_values() -> set[str]:
    """Names a page shows as they are stored: customers, materials (name, spec, unit), their classes, price lists, users, regions."""
    values = set(db.session.scalars(select(Customer.name))) | set(db.session.scalars(select(Customer.region)))
    for name, spec, unit in db.session.execute(select(Material.name, Material.spec, Material.unit)):
        values |= {name, spec or "", unit or ""}
    values |= set(db.session.scalars(select(User.display_name))) | set(db.session.scalars(select(Region.name)))
    for model in (CustomerClass, MaterialClass, PriceList):
        values |= set(db.session.scalars(select(model.name)))
    return {value for value in values if value}


def data_values(data) -> set[str]:
    """Every string in ``data`` (an instance's data: what people typed and the ledger answered)."""
    if isinstance(data, dict):
        return set().union(*(data_values(value) for value in data.values())) if data else set()
    if isinstance(data, list):
        return set().union(*(data_values(value) for value in data)) if data else set()
    return {data} if isinstance(data, str) else set()


def untranslated(page, selector: str = "body", known=()) -> list[str]:
    """The visible texts under ``selector`` of ``page`` (Playwright) that
    still hold CJK characters once the ``known`` values are taken out."""
    known = sorted((value for value in known if value and CJK.search(value)), key=len, reverse=True)
    left = []
    for text in page.evaluate(_VISIBLE_TEXTS, selector):
        rest = text
        for value in known:
            rest = rest.replace(value, "")
        if CJK.search(rest):
            left.append(text)
    return list(dict.fromkeys(left))
