"""Form data of F15 travel_request and F13 dealer_onboarding as a person
fills it in, for the tests that walk those flows through the API, the
services and the worker."""

TRIP = {"purpose": "拜访华东客户", "reason": "客户提出现场需求", "destination": "上海", "start_date": "2026-12-01", "end_date": "2026-12-03",
        "transport": "火车", "estimated_cost": 2500}
PROSPECT = {"company_name": "杭州华信商贸有限公司", "region": "华东", "province": "浙江", "contact_name": "陈经理",
            "contact_phone": "13800000000", "business_scope": "工业设备分销", "expected_annual_volume": 3000000}
EVALUATION = {"visit_date": "2026-11-20", "capital_strength_score": 4, "sales_network_score": 5, "logistics_score": 4,
              "reputation_score": 4, "team_score": 3, "overall_comment": "网络覆盖浙江全省"}
TERMS = {"decision": "approve", "comment": "同意", "annual_target": 5000000, "special_discount_pct": 3,
         "payment_days": 30, "credit_limit": 300000}
CONTRACT = {"outcome": "signed", "contract_number": "HT-2026-118", "signed_date": "2026-11-28"}
APPROVE = {"decision": "approve", "comment": "同意"}
RECHECK = {**APPROVE, "recheck_date": "2026-11-24", "recheck_findings": "仓库 2000 平米，自有车队 6 辆，浙江 11 地市有分销点"}
REPLY = {"replied_on": "2026-12-02", "reply_channel": "visit", "reply_note": "已当面说明未入选的原因"}
