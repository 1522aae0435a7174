"""The role codes of FLOWS.md: lanes in the diagrams name these."""
from sqlalchemy import select

from app.extensions import db
from app.models import Role

ROLES: list[tuple[str, str, str]] = [
    ("sales_rep", "销售代表", "Sales representative"),
    ("regional_manager", "大区经理", "Regional manager"),
    ("sales_admin", "销售内勤主管", "Sales administration"),
    ("order_clerk", "内勤制单员", "Order clerk"),
    ("billing_clerk", "出货/开票员", "Shipping and billing clerk"),
    ("dispatcher", "服务部调度", "Dispatcher"),
    ("shipping_clerk", "服务部出货文员", "Service department shipping clerk"),
    ("warehouse", "仓库", "Warehouse"),
    ("driver", "司机", "Driver"),
    ("quality", "质量部", "Quality"),
    ("finance", "财务部", "Finance"),
    ("sales_director", "销售总监", "Sales director"),
    ("general_manager", "总经理", "General manager"),
    ("statistician", "商务科统计员", "Statistician"),
    ("marketing", "市场人员", "Marketing"),
    ("service_desk", "客服专员", "Service desk"),
    ("auditor", "审计", "Auditor"),
    ("process_admin", "流程管理员", "Process administrator"),
    ("integration", "系统接口", "Integration (portal, EDI): sends messages to waiting instances"),
]

ROLE_CODES = frozenset(code for code, _, _ in ROLES)


def ensure_roles() -> dict[str, Role]:
    """Insert the catalogue's missing roles (flush only); return all by code."""
    existing = {role.code: role for role in db.session.scalars(select(Role))}
    for code, name_zh, name_en in ROLES:
        if code not in existing:
            role = Role(code=code, name_zh=name_zh, name_en=name_en)
            db.session.add(role)
            existing[code] = role
    db.session.flush()
    return existing
