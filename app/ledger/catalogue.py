"""Master data lookups: customers, materials, price lists and their class trees."""
from sqlalchemy import select

from app.extensions import db
from app.models import Customer, CustomerClass, Material, MaterialClass, PriceList, PricingStrategy, User
from app.actions import BusinessRuleViolation


def customer_by_code(code: str, field: str = "customer") -> Customer:
    """The customer with ``code``, as its row stands (a look-up only: an
    action about to copy the customer's file into a document wants
    ``customers.refreshed_customer``). Raises BusinessRuleViolation
    ``unknown_customer``."""
    customer = db.session.scalar(select(Customer).where(Customer.code == code))
    if customer is None:
        raise BusinessRuleViolation("unknown_customer", f"No customer has the code {code!r}.", field=field)
    return customer


def material_by_code(code: str, field: str = "material") -> Material:
    """The material with ``code``. Raises BusinessRuleViolation ``unknown_material``."""
    material = db.session.scalar(select(Material).where(Material.code == code))
    if material is None:
        raise BusinessRuleViolation("unknown_material", f"No material has the code {code!r}.", field=field)
    return material


def price_list_by_code(code: str, field: str = "price_list") -> PriceList:
    """Raises BusinessRuleViolation ``unknown_price_list``."""
    plist = db.session.scalar(select(PriceList).where(PriceList.code == code))
    if plist is None:
        raise BusinessRuleViolation("unknown_price_list", f"No price list has the code {code!r}.", field=field)
    return plist


def strategy_by_code(code: str, field: str = "strategy") -> PricingStrategy:
    """Raises BusinessRuleViolation ``unknown_pricing_strategy``."""
    strategy = db.session.scalar(select(PricingStrategy).where(PricingStrategy.code == code))
    if strategy is None:
        raise BusinessRuleViolation("unknown_pricing_strategy", f"No pricing strategy has the code {code!r}.", field=field)
    return strategy


def material_class_by_code(code: str, field: str = "material_class") -> MaterialClass:
    """Raises BusinessRuleViolation ``unknown_material_class``."""
    node = db.session.scalar(select(MaterialClass).where(MaterialClass.code == code))
    if node is None:
        raise BusinessRuleViolation("unknown_material_class", f"No material class has the code {code!r}.", field=field)
    return node


def user_by_username(username: str | None, field: str = "user") -> User | None:
    """The user named ``username`` (None for None). Raises BusinessRuleViolation ``unknown_user``."""
    if not username:
        return None
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise BusinessRuleViolation("unknown_user", f"No user is called {username!r}.", field=field)
    return user


def class_parents(model) -> dict[int, int | None]:
    """The tree of CustomerClass or MaterialClass: id → parent id."""
    return dict(db.session.execute(select(model.id, model.parent_id)).all())


def class_chain(model, class_id: int | None, parents: dict[int, int | None] | None = None) -> list[int]:
    """``class_id`` and its ancestors, nearest first (a tree of CustomerClass
    or MaterialClass; ``parents`` when the caller loaded it already). Raises
    ValueError on a cycle."""
    parents = class_parents(model) if parents is None else parents
    chain: list[int] = []
    while class_id is not None:
        if class_id in chain:
            raise ValueError(f"{model.__tablename__} tree has a cycle at {class_id}")
        chain.append(class_id)
        class_id = parents.get(class_id)
    return chain


def ensure_customer_class(code: str, name: str, parent_code: str | None = None) -> CustomerClass:
    """The customer class ``code``, created under ``parent_code`` if missing (flushes)."""
    return _ensure_class(CustomerClass, code, name, parent_code)


def ensure_material_class(code: str, name: str, parent_code: str | None = None) -> MaterialClass:
    """The material class ``code``, created under ``parent_code`` if missing (flushes)."""
    return _ensure_class(MaterialClass, code, name, parent_code)


def _ensure_class(model, code, name, parent_code):
    node = db.session.scalar(select(model).where(model.code == code))
    if node is None:
        parent = db.session.scalar(select(model).where(model.code == parent_code)) if parent_code else None
        node = model(code=code, name=name, parent=parent)
        db.session.add(node)
        db.session.flush()
    return node
