"""Demo master data for the ledger: customer and material class trees, 35
customers across the five regions (each served by a rep of its region),
48 products, two price lists with class rules and customer-specific prices,
opening stock, and signed contracts (with an amount cap) for each region's
provincial dealer and key direct customer. Idempotent: everything is found
by its code first.

Dates follow the business date, not fixed years, so the demo works in any
year: prices, credit and opening stock start on 1 January of the year of the
last ended month (the demo month's year), contracts run to the next 1 January
after today."""
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from app import clock
from app.demo.budgets import ensure_demo_budgets
from app.demo.organisation import DEMO_PASSWORD, REGIONS
from app.demo.org_units import ensure_demo_org_units
from app.extensions import db
from app.ledger import catalogue, contracts, pricing, shipping
from app.ledger.customers import next_customer_code
from app.ledger.assessment_schemes import add_scheme_version
from app.models import AssessmentScheme, Contract, Customer, CustomerCredit, Material, PriceItem, PriceList, PriceRule, User
from app.services.unit_of_work import use_case



def demo_year_start() -> date:
    """1 January of the year of the month before today's business date: the
    demo month (``flask ledger demo-month``) then always falls after it."""
    today = clock.today()
    return date(today.year - (today.month == 1), 1, 1)


CUSTOMER_CLASSES = [  # code, name, parent
    ("ALL", "全部客户", None), ("DEALER", "经销商", "ALL"), ("DEALER_PROV", "省级总经销", "DEALER"),
    ("DEALER_CITY", "地市经销商", "DEALER"), ("DIRECT", "直销客户", "ALL"), ("DIRECT_KA", "重点直销客户", "DIRECT"),
    ("MAIL", "邮购客户", "ALL"),
]
MATERIAL_CLASSES = [
    ("PUMP", "泵", None), ("PUMP_CF", "单级离心泵", "PUMP"), ("PUMP_MS", "多级泵", "PUMP"),
    ("VALVE", "阀门", None), ("VALVE_GATE", "闸阀", "VALVE"), ("VALVE_BALL", "球阀", "VALVE"),
    ("MOTOR", "电机", None), ("PARTS", "配件", None), ("SERVICE", "服务", None),
]
# class, code prefix, name, unit, unit precision, specs, base price (含税), standard cost share
PRODUCT_LINES = [
    ("PUMP_CF", "PCF", "单级离心泵", "台", 0, ["IS50-32-125", "IS50-32-160", "IS65-50-125", "IS65-50-160", "IS80-65-125",
                                            "IS80-65-160", "IS100-80-160", "IS100-80-200"], Decimal("1280"), Decimal("0.62")),
    ("PUMP_MS", "PMS", "立式多级泵", "台", 0, ["CDL2-8", "CDL4-10", "CDL8-12", "CDL12-10", "CDL16-8", "CDL20-6"],
     Decimal("4650"), Decimal("0.60")),
    ("VALVE_GATE", "VGT", "法兰闸阀", "台", 0, ["Z41H-16C DN50", "Z41H-16C DN65", "Z41H-16C DN80", "Z41H-16C DN100",
                                            "Z41H-25 DN50", "Z41H-25 DN80", "Z41H-25 DN100"], Decimal("520"), Decimal("0.58")),
    ("VALVE_BALL", "VBL", "不锈钢球阀", "台", 0, ["Q41F-16P DN25", "Q41F-16P DN32", "Q41F-16P DN40", "Q41F-16P DN50",
                                              "Q41F-16P DN65", "Q41F-16P DN80"], Decimal("310"), Decimal("0.55")),
    ("MOTOR", "MTR", "三相异步电机", "台", 0, ["YE3-80M2-2 1.1kW", "YE3-90S-2 1.5kW", "YE3-100L-2 3kW", "YE3-112M-2 4kW",
                                           "YE3-132S1-2 5.5kW", "YE3-132S2-2 7.5kW", "YE3-160M1-2 11kW", "YE3-160L-2 18.5kW"],
     Decimal("980"), Decimal("0.66")),
    ("PARTS", "PRT", "机械密封", "套", 0, ["108-16", "108-20", "108-25", "108-30"], Decimal("85"), Decimal("0.40")),
    ("PARTS", "PRG", "密封垫片", "kg", 3, ["石墨复合", "聚四氟乙烯", "丁腈橡胶", "氟橡胶", "无石棉"], Decimal("46.5"), Decimal("0.45")),
]
REGION_PROVINCES = {
    "华东": ["浙江", "江苏", "上海", "安徽", "山东", "福建", "江西"],
    "华南": ["广东", "广西", "海南", "湖南", "福建", "广东", "广西"],
    "华北": ["北京", "天津", "河北", "山西", "内蒙古", "河北", "山西"],
    "西南": ["四川", "重庆", "云南", "贵州", "西藏", "四川", "重庆"],
    "东北": ["辽宁", "吉林", "黑龙江", "辽宁", "吉林", "黑龙江", "辽宁"],
}
# per region: (channel, class, name suffix, credit limit)
CUSTOMER_PATTERN = [
    ("dealer", "DEALER_PROV", "泵阀总经销有限公司", Decimal("800000")),
    ("dealer", "DEALER_CITY", "机电设备经销部", Decimal("300000")),
    ("dealer", "DEALER_CITY", "流体设备商行", Decimal("200000")),
    ("direct", "DIRECT_KA", "水务集团有限公司", Decimal("1500000")),
    ("direct", "DIRECT", "化工有限公司", Decimal("500000")),
    ("direct", "DIRECT", "食品工业有限公司", Decimal("300000")),
    ("mail_order", "MAIL", "设备维修服务部", Decimal("0")),
]


def _ensure_customers() -> list[Customer]:
    customers = []
    for code, region, _manager, reps in REGIONS:
        provinces = REGION_PROVINCES[region]
        for index, (channel, class_code, suffix, limit) in enumerate(CUSTOMER_PATTERN):
            province = provinces[index]
            name = f"{province}{suffix}"  # province + suffix is unique: a suffix appears once per region
            customer = db.session.scalar(select(Customer).where(Customer.name == name))
            if customer is None:
                rep = db.session.scalar(select(User).where(User.username == f"rep_{code}{index % len(reps) + 1}"))
                node = catalogue.ensure_customer_class(class_code, class_code)
                customer = Customer(code=next_customer_code(channel), name=name, customer_class=class_code, class_node=node,
                                    channel=channel, region=region, province=province, salesperson=rep,
                                    payment_days=0 if channel == "mail_order" else 30 + 15 * (index % 3),
                                    credit_limit=limit, credit_rating="A" if limit >= 500000 else "B")
                db.session.add(customer)
                db.session.flush()
                db.session.add(CustomerCredit(customer=customer, credit_limit=limit, rating=customer.credit_rating,
                                              valid_from=demo_year_start(), reason="demo opening", source_key=f"demo:credit:{customer.code}"))
            customers.append(customer)
    return customers


# months of warranty from the ship date per product line (after-sales, F20)
WARRANTY_MONTHS = {"PUMP_CF": 12, "PUMP_MS": 18, "VALVE_GATE": 12, "VALVE_BALL": 12, "MOTOR": 24, "PARTS": 3}


def _ensure_materials() -> list[Material]:
    materials = []
    for class_code, prefix, name, unit, scale, specs, base, cost_share in PRODUCT_LINES:
        node = catalogue.ensure_material_class(class_code, class_code)
        for number, spec in enumerate(specs, start=1):
            code = f"{prefix}{number:03d}"
            material = db.session.scalar(select(Material).where(Material.code == code))
            if material is None:
                price = (base * (1 + Decimal("0.18") * (number - 1))).quantize(Decimal("0.01"))
                material = Material(code=code, name=name, spec=spec, material_class=node, unit=unit, qty_scale=scale,
                                    tax_rate=Decimal("0.13"), standard_cost=(price / Decimal("1.13") * cost_share).quantize(Decimal("0.01")),
                                    warranty_months=WARRANTY_MONTHS[class_code])
                material.demo_price = price  # transient: the list price below
                db.session.add(material)
            materials.append(material)
    db.session.flush()
    return materials


# after-sales (F20): billable repair work is ordered as this service, at the amount the resolver set
SERVICE_MATERIAL = ("SERVICE", "SVC001", "维修服务费", "有偿维修", "次")


def _ensure_service_material() -> Material:
    class_code, code, name, spec, unit = SERVICE_MATERIAL
    material = db.session.scalar(select(Material).where(Material.code == code))
    if material is None:
        node = catalogue.ensure_material_class(class_code, class_code)
        material = Material(code=code, name=name, spec=spec, material_class=node, unit=unit, qty_scale=0,
                            tax_rate=Decimal("0.13"), standard_cost=Decimal("0"), saleable=False, warranty_months=0)  # never sold off a price list, never in stock
        db.session.add(material)
        db.session.flush()
    return material


def _list(code, name, inclusive) -> PriceList:
    found = db.session.scalar(select(PriceList).where(PriceList.code == code))
    if found is None:
        found = PriceList(code=code, name=name, tax_inclusive=inclusive)
        db.session.add(found)
        db.session.flush()
    return found


def _ensure_prices(customers, materials) -> None:
    start = demo_year_start()
    standard = _list("STD", "标准价（含税）", True)
    dealer = _list("DEALER", "经销商协议价（不含税）", False)
    if db.session.scalar(select(PriceItem.id).limit(1)) is None:
        for material in materials:
            price = getattr(material, "demo_price", None)
            if price is None:
                continue
            pricing.add_price_item(price_list=standard, material=material, unit_price=price, valid_from=start)
            pricing.add_price_item(price_list=standard, material=material, unit_price=price * Decimal("0.95"),
                                   valid_from=start, min_qty=50)
            pricing.add_price_item(price_list=dealer, material=material, unit_price=price / Decimal("1.13") * Decimal("0.85"),
                                   valid_from=start)
    if db.session.scalar(select(PriceRule.id).limit(1)) is None:
        everyone = catalogue.ensure_customer_class("ALL", "全部客户")
        for class_code, *_ in MATERIAL_CLASSES:
            if class_code in ("PUMP", "VALVE", "MOTOR", "PARTS"):  # one customer class per material class (NC rule)
                node = catalogue.ensure_material_class(class_code, class_code)
                pricing.add_price_rule(price_list=standard, customer_class=everyone, material_class=node, valid_from=start)
        pumps = catalogue.ensure_material_class("PUMP", "泵")
        valves = catalogue.ensure_material_class("VALVE", "阀门")
        for customer in customers:
            if customer.customer_class == "DEALER_PROV":  # provincial dealers buy at the dealer list
                for node in (pumps, valves):
                    pricing.add_price_rule(price_list=dealer, customer=customer, material_class=node, valid_from=start)


# customer class → (amount cap, price terms, payment terms) of its demo contract
DEMO_CONTRACTS = {
    "DEALER_PROV": (Decimal("2000000"), "按经销商协议价（不含税）执行", "月结30天，电汇"),
    "DIRECT_KA": (Decimal("3000000"), "按标准价九五折执行", "货到验收后45天内付款"),
}


def _ensure_contracts(customers) -> int:
    """One signed contract per provincial dealer and key direct customer,
    numbered HT-DEMO-<customer code>, from the demo year's start to the next
    1 January after today."""
    start, end = demo_year_start(), date(clock.today().year + 1, 1, 1)
    made = 0
    for customer in customers:
        if customer.customer_class not in DEMO_CONTRACTS:
            continue
        number = f"HT-DEMO-{customer.code}"
        if db.session.scalar(select(Contract.id).where(Contract.number == number)) is not None:
            continue
        cap, price_terms, payment_terms = DEMO_CONTRACTS[customer.customer_class]
        contracts.make_contract(customer, number, cap, valid_from=start, valid_to=end,
                                price_terms=price_terms, payment_terms=payment_terms, payment_days=customer.payment_days,
                                attachments=[], signed_by_id=customer.salesperson_id, source_key=f"demo:contract:{number}")
        made += 1
    return made


def _ensure_stock(materials) -> int:
    """Two opening batches per material, named B<yymm> after the months they
    were made: December of the year before and January of the demo year."""
    start = demo_year_start()
    batches = ((f"B{(start.year - 1) % 100:02d}12", 400), (f"B{start.year % 100:02d}01", 600))
    received = 0
    for material in materials:
        for prefix, qty in batches:
            batch = f"{prefix}-{material.code}"
            movement = shipping.receive_opening_stock(material, qty, batch, start, f"demo:opening:{batch}")
            received += movement is not None
    return received


@use_case
def _ensure_assessment_scheme() -> None:
    """Version 1 of the sales assessment scheme KH: the collection price
    difference against the dealer list, charged in full, from the demo year's
    start, approved by the sales director (when the organisation is loaded)."""
    if db.session.scalar(select(AssessmentScheme).where(AssessmentScheme.code == "KH")) is not None:
        return
    director = db.session.scalar(select(User).where(User.username == "director"))
    if director is not None:
        add_scheme_version(code="KH", name="回款考核方案", valid_from=demo_year_start(), base_price_list="DEALER",
                           charge_pct="100", approver=director)


def load_demo_master_data() -> dict[str, int]:
    """Create what is missing of the demo master data (run after the demo
    organisation, whose reps serve the customers). Returns counts."""
    for code, name, parent in CUSTOMER_CLASSES:
        catalogue.ensure_customer_class(code, name, parent)
    for code, name, parent in MATERIAL_CLASSES:
        catalogue.ensure_material_class(code, name, parent)
    customers = _ensure_customers()
    materials = _ensure_materials()
    _ensure_service_material()
    _ensure_prices(customers, materials)
    _ensure_stock(materials)
    ensure_demo_org_units(materials, demo_year_start(), DEMO_PASSWORD)
    _ensure_contracts(customers)
    _ensure_assessment_scheme()
    ensure_demo_budgets()
    return {"customers": len(customers), "materials": len(materials),
            "contracts": db.session.scalar(select(func.count()).select_from(Contract)),
            "price_items": db.session.scalar(select(func.count()).select_from(PriceItem)),
            "price_rules": db.session.scalar(select(func.count()).select_from(PriceRule))}
