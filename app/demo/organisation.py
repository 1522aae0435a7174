"""The demo organisation, built from the seed's staffing plan (营销编制):
a marketing director under the general manager, the director's office, four
sales-office clerks, five regions of four or five sales reps, and the
departments the flows pass through. Every role in FLOWS.md and in the
staffing plan is held, and every manager chain ends at the general manager.
One sales rep is stationed at a field office (驻外机构)."""
from dataclasses import dataclass

from sqlalchemy import select

from app.extensions import db
from app.models import Level, Region, User
from app.services.accounts import find_user, hash_password
from app.services.access_history import set_roles
from app.services.role_catalogue import ensure_roles
from app.services.unit_of_work import use_case

DEMO_PASSWORD = "lanes-demo"

REGIONS = [
    ("east", "华东", "赵东来", ["钱立新", "孙海涛", "李文静", "周建国", "吴晓峰"]),
    ("south", "华南", "郑南方", ["王志强", "冯丽娟", "陈家豪", "褚国栋"]),
    ("north", "华北", "卫北辰", ["蒋红梅", "沈卫东", "韩雪松", "杨振华", "朱玉兰"]),
    ("southwest", "西南", "秦西岭", ["尤明亮", "许晓燕", "何俊杰", "吕春生"]),
    ("northeast", "东北", "施东旭", ["张立军", "孔祥瑞", "曹文华", "严雪梅"]),
]


@dataclass(frozen=True)
class Person:
    username: str
    display_name: str
    department: str
    level: Level
    manager: str | None
    roles: tuple[str, ...] = ()
    region: str | None = None
    field_office: str | None = None


SALES = "营销部"

HEAD_OFFICE = [
    Person("gm", "王总经理", "总经办", Level.general_manager, None, ("general_manager",)),
    Person("director", "刘营销总监", SALES, Level.director, "gm", ("sales_director",)),
    Person("secretary", "林秘书", SALES, Level.staff, "director", ("secretary",)),
    # the plan's 总监助理 also runs a region (兼一个大区经理)
    Person("assistant", "高总监助理", SALES, Level.manager, "director", ("director_assistant", "regional_manager"), "华东"),
    Person("inspector", "黄区域督查", SALES, Level.manager, "director", ("regional_inspector",)),
    Person("service_mgr", "马服务部经理", SALES, Level.department_head, "director", ("service_manager", "service_desk")),
    Person("dispatcher", "邓调度", SALES, Level.staff, "service_mgr", ("dispatcher",)),
    Person("shipping_clerk", "韩出货", SALES, Level.staff, "service_mgr", ("shipping_clerk",)),
    Person("service_desk", "谢客服", SALES, Level.staff, "service_mgr", ("service_desk", "customer_care_specialist")),
    Person("sales_admin", "项江蓉", SALES, Level.staff, "director", ("sales_admin", "contracts_specialist")),
    Person("order_clerk", "彭云", SALES, Level.staff, "director", ("order_clerk",)),
    Person("billing_clerk", "张梦琪", SALES, Level.staff, "director", ("billing_clerk",)),
    Person("sales_admin2", "罗内勤", SALES, Level.staff, "director", ("sales_admin", "order_clerk")),
    Person("marketing", "唐市场", SALES, Level.staff, "director", ("marketing",)),
    Person("statistician", "钟统计", SALES, Level.staff, "director", ("statistician",)),
    Person("tech_support", "郭技术", SALES, Level.staff, "service_mgr", ("tech_support_specialist",)),
    Person("designer", "叶设计", SALES, Level.staff, "director", ("graphic_designer",)),
    # the presales team (售前, F21): the consulting manager under the director, the
    # project manager and the consultants under the sales service manager (售前服务)
    Person("consulting_mgr", "严咨询经理", SALES, Level.manager, "director", ("consulting_manager",)),
    Person("project_mgr", "邱项目经理", SALES, Level.manager, "service_mgr", ("project_manager",)),
    Person("presales", "苏售前顾问", SALES, Level.staff, "consulting_mgr", ("presales_consultant",)),
    Person("implementer", "陆实施顾问", SALES, Level.staff, "project_mgr", ("implementation_consultant",)),
    Person("finance", "田财务", "财务部", Level.department_head, "gm", ("finance",)),
    Person("warehouse", "石仓管", "仓储部", Level.department_head, "gm", ("warehouse",)),
    Person("driver", "龙司机", "仓储部", Level.staff, "warehouse", ("driver",)),
    Person("quality", "潘质检", "质量部", Level.department_head, "gm", ("quality",)),
    Person("auditor", "范审计", "审计部", Level.department_head, "gm", ("auditor",)),
    Person("process_admin", "方流程管理员", "信息部", Level.staff, "gm", ("process_admin",)),
    # the second process admin: approves the first one's corrections of running instances
    Person("process_admin2", "何运维", "信息部", Level.staff, "gm", ("process_admin",)),
    Person("portal", "客户门户接口", "信息部", Level.staff, "gm", ("integration",)),
]

# Staff stationed at a field office (驻外机构人员), after their managers.
FIELD_OFFICE = [
    Person("rep_shenyang", "白驻外", SALES, Level.staff, "rm_northeast", ("sales_rep",), "东北", "沈阳办事处"),
]


def demo_people() -> list[Person]:
    """Everyone in the demo organisation, managers before their staff."""
    people = list(HEAD_OFFICE)
    for code, region, manager_name, reps in REGIONS:
        manager = f"rm_{code}"
        people.append(Person(manager, manager_name, SALES, Level.manager, "director", ("regional_manager",), region))
        for number, name in enumerate(reps, start=1):
            people.append(Person(f"rep_{code}{number}", name, SALES, Level.staff, manager, ("sales_rep",), region))
    people.extend(FIELD_OFFICE)
    return people


def _load_regions() -> None:
    """The five regions, in the order forms offer them."""
    existing = {region.code: region for region in db.session.scalars(select(Region))}
    for position, (code, name, _manager, _reps) in enumerate(REGIONS, start=1):
        region = existing.get(code) or Region(code=code)
        region.name, region.position = name, position
        db.session.add(region)


@use_case
def load_demo_organisation() -> dict[str, int]:
    """Create or bring up to date the regions and every demo person;
    idempotent. Returns ``{"created": n, "updated": m}`` (people). Passwords
    of existing users are left as they are."""
    _load_regions()
    roles = ensure_roles()
    created = updated = 0
    users: dict[str, User] = {}
    for person in demo_people():
        user = find_user(person.username)
        if user is None:
            user = User(username=person.username, password_hash=hash_password(DEMO_PASSWORD))
            db.session.add(user)
            created += 1
        else:
            updated += 1
        user.display_name = person.display_name
        user.department = person.department
        user.level = person.level
        user.region = person.region
        user.field_office = person.field_office
        user.active = True
        user.manager = users[person.manager] if person.manager else None
        set_roles(user, person.roles, by=None, reason="demo organisation loaded", roles=roles)
        users[person.username] = user
    db.session.flush()
    return {"created": created, "updated": updated}
