"""The role codes of FLOWS.md and of the staffing plan (营销编制): lanes in
the diagrams name these. Each marketing role is office (内勤) or field
(外勤) work; roles outside marketing are neither."""
from sqlalchemy import select

from app.extensions import db
from app.models import Role, Staffing

OFFICE, FIELD = Staffing.office, Staffing.field

ROLES: list[tuple[str, str, str, Staffing | None]] = [
    ("sales_rep", "销售代表", "Sales representative", FIELD),
    ("regional_manager", "大区经理", "Regional manager", FIELD),
    ("sales_admin", "销售内勤主管", "Sales administration", OFFICE),
    ("order_clerk", "内勤制单员", "Order clerk", OFFICE),
    ("billing_clerk", "出货/开票员", "Shipping and billing clerk", OFFICE),
    ("dispatcher", "服务部调度", "Dispatcher", OFFICE),
    ("shipping_clerk", "服务部出货文员", "Service department shipping clerk", OFFICE),
    ("warehouse", "仓库", "Warehouse", None),
    ("driver", "司机", "Driver", None),
    ("quality", "质量部", "Quality", None),
    ("finance", "财务部", "Finance", None),
    ("sales_director", "销售总监", "Sales director", OFFICE),
    ("general_manager", "总经理", "General manager", None),
    ("statistician", "商务科统计员", "Statistician", OFFICE),
    ("marketing", "市场人员", "Marketing", OFFICE),
    ("service_desk", "客服专员", "Service desk", OFFICE),
    ("auditor", "审计", "Auditor", None),
    ("process_admin", "流程管理员", "Process administrator", None),
    ("integration", "系统接口", "Integration (portal, EDI): sends messages to waiting instances", None),
    # The director's office and the sales office of the staffing plan.
    ("secretary", "营销总监秘书", "Secretary to the sales director", OFFICE),
    ("director_assistant", "总监助理", "Assistant to the sales director", OFFICE),
    ("regional_inspector", "区域督查", "Regional inspector", OFFICE),
    ("service_manager", "销售服务部经理", "Sales service manager", OFFICE),
    ("contracts_specialist", "招投标/合同/计划排序专员", "Tenders, contracts and plan scheduling specialist", OFFICE),
    ("customer_care_specialist", "报修/投诉/客户维护专员", "Repairs, complaints and customer care specialist", OFFICE),
    ("tech_support_specialist", "技术支持/维修专员", "Technical support and repair specialist", OFFICE),
    ("graphic_designer", "平面设计专员", "Graphic design specialist", OFFICE),
    # The presales team of 浪潮:ERP销售流程图 (售前方案, F21): 咨询, 实施 and their managers.
    ("presales_consultant", "售前咨询顾问", "Presales consultant", OFFICE),
    ("implementation_consultant", "实施顾问", "Implementation consultant", OFFICE),
    ("project_manager", "项目经理", "Project manager", OFFICE),
    ("consulting_manager", "咨询经理", "Consulting manager", OFFICE),
]

ROLE_CODES = frozenset(code for code, _, _, _ in ROLES)


def ensure_roles() -> dict[str, Role]:
    """Insert the catalogue's missing roles and bring the office/field split
    of existing ones up to date (flush only); return all by code."""
    existing = {role.code: role for role in db.session.scalars(select(Role))}
    for code, name_zh, name_en, staffing in ROLES:
        if code not in existing:
            role = Role(code=code, name_zh=name_zh, name_en=name_en)
            db.session.add(role)
            existing[code] = role
        existing[code].staffing = staffing
    db.session.flush()
    return existing
