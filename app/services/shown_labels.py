"""The glossary of what tasks show: titles for the fields of ledger
documents and service results, which no form titles (forms title what a
person types; these are what the ledger wrote), and which of them are money,
prices, rates or quantities. Chinese, like the forms' own titles."""

DOCUMENT_TITLES = {
    "sales_order": "销售订单", "shipping_note": "出货单", "invoice": "发票", "receipt": "回款",
    "contract": "合同", "employee_advance": "借支单", "expense_claim": "报销单", "reimbursement": "报销付款",
    "collection_assessment": "回款考核单", "signed_receipt": "签收途损单", "price_adjustment_sheet": "价格调整单",
}

LABELS = {
    # documents and their lines
    "number": "单号", "kind": "类型", "status": "状态", "order_date": "订单日期", "region": "大区", "customer": "客户",
    "salesperson": "业务员", "contract_number": "合同号", "hold_reason": "暂停原因",
    "contract_amount_cap": "合同金额上限", "contract_used": "合同已用金额", "amount_cap": "合同金额上限", "used": "已用金额",
    "price_terms": "价格条款", "payment_terms": "付款条件", "payment_days": "账期（天）", "valid_from": "生效日期",
    "valid_to": "截止日期", "version": "版本", "line_no": "行号", "material": "物料", "material_name": "品名",
    "spec": "规格", "unit": "单位", "qty": "数量", "unit_price": "单价", "tax_rate": "税率", "net": "不含税金额",
    "tax": "税额", "gross": "价税合计", "qty_delivered": "已发货", "qty_invoiced": "已开票", "qty_returned": "已退货",
    "ship_date": "发货日期", "posted_date": "过账日期", "tracking_number": "运单号", "order": "销售订单",
    "invoice_kind": "发票类型", "invoice_type": "发票种类", "tax_invoice_number": "税控发票号码", "awaiting_entry": "待录入",
    "order_line": "订单行", "invoice_date": "开票日期", "due_date": "到期日", "receipt_date": "收款日期",
    "amount": "金额", "bank_reference": "银行流水号", "unallocated": "未核销金额", "advance_date": "借支日期",
    "purpose": "用途", "employee": "员工", "claim_date": "报销日期", "claimed": "报销金额", "applied": "冲借支金额",
    "returned": "退回金额", "payable": "应付金额", "category": "类别", "pay_date": "付款日期", "claim_id": "报销单",
    "assessment_id": "考核单", "month": "月份", "base_price_list": "基准价目表", "scheme": "考核方案版本", "scheme_name": "考核方案",
    "charge_pct": "考核比例（%）", "allocation_id": "核销记录",
    "collected": "回款金额", "difference": "回款差价", "posting_date": "记账日期", "advance": "借支单",
    # service results
    "order_no": "订单号", "shipping_note_no": "出货单号", "invoice_no": "发票号", "receipt_no": "回款单号",
    "contract_no": "合同号", "advance_no": "借支单号", "claim_no": "报销单号", "reimbursement_no": "报销付款单号",
    "assessment_no": "考核单号", "return_order_no": "红字订单号", "held": "信用暂停", "exposure": "信用占用",
    "credit_limit": "信用额度", "shortfall": "差额", "advance_total": "预收余额", "advance_left": "剩余预收",
    "allocations": "核销明细", "batches": "批号", "batch_no": "批号", "movements": "出库明细", "lines": "明细",
    "totals": "合计", "ytd": "本年累计", "shipped": "发货额", "invoiced": "开票额", "received": "回款额",
    "key": "编码", "name": "名称", "by_salesperson": "按业务员", "by_customer": "按客户", "by_region": "按大区",
    "balanced": "对帐平衡", "differences": "差异", "figures": "对帐数据", "violations": "差异明细",
    "quarter": "季度", "scores": "评分", "collection_rate": "回款率", "score": "得分", "grade": "等级",
    "error": "问题", "ok": "成功", "voided_notes": "作废出货单", "released": "已放行", "recognized_on": "确认收入日期",
    "registered_at": "登记时间", "transport_mode": "运输方式", "delivery_address": "收货地址", "route": "市内／外埠",
    "qc_certificate_no": "质检单号", "delivery_place": "交货地点", "delivery_date": "交货时间", "acceptance_terms": "验收方式",
    "settlement_terms": "结算方式", "approved_by": "审核人", "priced": "已询到价格", "unpriced_lines": "无价格的行",
    "approve_result": "订单审核", "qc_result": "质检单", "signed_receipt_no": "签收单号",
    "signed_date": "签收日期", "receiver_name": "签收人", "loss_borne_by": "途损承担", "loss_cost": "途损成本",
    "received_qty": "签收数量", "loss_qty": "途损数量", "loss_reason": "途损原因", "shipping_note": "出货单",
    "closed_at": "结帐时间", "ended": "已结束",
    "shipping_lines": "出货单行数", "shipped_qty": "发货数量", "outbound_qty": "出库数量", "invoices": "发票张数",
    "invoiced_net": "开票不含税额", "ledger_revenue": "账面收入",
    "inventory_outbound": "库存系统出库明细", "finance_receivables": "财务系统应收明细", "mismatch": "差异类型",
    "statement": "对帐文件", "row": "文件行号", "invoice": "发票",
    "sales_qty": "销售系统数量", "inventory_qty": "库存系统数量", "sales_amount": "销售系统金额",
    "finance_amount": "财务系统金额", "sales_material": "销售系统物料", "inventory_material": "库存系统物料",
    "sales_customer": "销售系统客户", "finance_customer": "财务系统客户", "by_series": "按产品系列", "series": "产品系列", "by_product_series": "按产品系列",
    "by_month": "逐月", "customers_other": "其余客户", "provisional": "暂估（未结账）",
    "order_result": "销售订单", "note_result": "出货单", "contract_result": "合同", "invoice_result": "发票",
    "receipt_result": "回款", "shipping_result": "发货单", "issue_result": "订单与出货单", "return_result": "退货红字订单",
    "replacement_result": "换货补发", "assessment": "回款考核单", "assessment_preview": "回款考核计算",
    "report": "月度报表", "reconciliation": "对帐结果", "quote_result": "报价", "check_result": "退货校验",
    "shipped_lines": "已发货未开票明细", "revenue_result": "发票录入", "advance_result": "预收款冲抵",
    "receipts": "回款清单", "receipt_nos": "回款单号", "total": "合计", "line": "行号", "outbound_result": "出库结果", "trace_result": "追溯核对", "release_result": "放行结果",
    # dealer onboarding (F13) and shipment approval (F14)
    "recruitment": "招商手册与招商发布", "handbook_version": "招商手册版本", "handbook_title": "招商手册",
    "published_on": "招商发布日期", "channel": "发布渠道", "note_check": "交货单校验", "prepayment": "款到发货",
    "customer_code": "客户编码", "credit_rating": "信用等级", "annual_target": "年度销售目标",
    "special_discount_pct": "特殊折扣（%）",
    # travel requests and their settlement after the trip
    "traveller_check": "适用范围核对", "traveller": "出差人", "level": "级别", "claim_check": "报销核对",
    "settlement": "报销入账", "request": "出差申请", "request_no": "出差申请单号", "reason": "出差事由",
    "destination": "出差地点", "start_date": "出发日期", "end_date": "返回日期", "estimated_cost": "预计费用",
    "estimated": "预计费用", "actual": "实际费用", "cost_difference": "实际与预计差额", "over_estimate": "超出预计",
    "advance_outstanding": "借支余额",
    # the quarterly review: who is reviewed, targets, and the payroll posting
    "review": "考核名单", "people": "考核对象", "staffing": "内勤/外勤", "roles": "岗位", "target": "销售目标",
    "achieved": "实际完成", "achievement_rate": "目标达成率", "payroll": "奖惩单", "rewards": "奖励合计",
    "penalties": "处罚合计",
    # results the pages showed by their keys (issue 19)
    "versions": "版本记录", "attachments": "附件", "order_line_no": "订单行号", "tax_inclusive": "单价含税",
    "source": "核销来源", "allocated": "本次核销金额", "outbound": "出库数量", "outstanding": "借支余额",
    "rejected": "剔除的行", "inspection_no": "质检单号", "result": "检验结果", "cause": "原因", "responsibility": "责任方",
    "disposition": "处理方式", "return_no": "退货单号", "received_lines": "收货明细", "red_invoices": "红字发票",
    "customer_credit": "客户贷项金额", "stock_status": "库存状态", "price_agreed_on": "价格确认日期",
    "price_agreed_via": "价格确认方式",
    # customer credit ratings (F12): the profile, the monthly review and what was recorded
    "profile": "客户信用档案", "customer_name": "客户名称", "segment": "客户细分", "as_of": "统计日期",
    "open_receivables": "未收应收账款", "ageing": "账龄", "bucket": "账龄段", "overdue": "逾期金额",
    "average_days_to_pay": "近12个月平均回款天数", "returns_ratio": "近12个月退货率", "rating": "信用等级",
    "on_hold": "暂停供货", "later_limits": "待生效额度", "overrides": "超额放行记录", "approver_role": "放行人岗位",
    "credit_review": "客户信用复核清单", "customers": "客户", "count": "客户数", "attention": "需关注",
    "credit": "信用评级记录", "effective": "已生效", "customer_change": "客户档案变更", "version_id": "档案版本号",
    "customer_class": "客户分类", "province": "省份", "active": "有效客户", "decided_by": "决定人", "current": "当前版本",
    # price adjustment sheets (F16): the draft, its impact, the decision, the coverage check, who was told
    "draft_result": "价格调整单", "decision_result": "调价审核结果", "impact": "调价影响", "sheet_no": "调价单号",
    "price_list": "价目表", "strategy": "定价策略", "effective_date": "生效日期", "adjustment_no": "调价记录号",
    "material_class": "物料分类", "min_qty": "起订数量", "old_price": "原单价", "new_price": "新单价",
    "change_pct": "调价幅度（%）", "largest_cut_pct": "最大降价幅度（%）", "largest_rise_pct": "最大涨价幅度（%）",
    "orders_priced_after": "生效日后的原价订单", "order_count": "受影响订单数", "sheet_line": "调价行",
    "customer_count": "客户数", "customer_classes": "价格规则指向的客户分类",
    "coverage": "询价覆盖检查", "on": "检查日期", "gap_count": "缺口数", "gaps": "询价缺口", "code": "原因",
    "withdraw_result": "作废调价单", "cancelled": "已作废", "announcement": "调价通知", "notified": "已通知的销售代表",
    # sheets that add items and change matching rules (issue 21)
    "rule_id": "价格匹配规则号", "old_target": "原指向", "to_price_list": "指向价目表", "to_strategy": "指向定价策略",
    "priority": "优先级", "price_moves": "价格变动的客户物料", "price_move_count": "价格变动数",
    "moved_customers": "价格变动的客户", "priced_anew": "新获得价格的客户物料", "priced_anew_count": "新获得价格数",
    "coverage_losses": "将失去价格的客户物料", "coverage_loss_count": "失去价格数", "classes_losing_price": "将失去价格的客户分类",
    # the annual sales plan (F11)
    "baseline": "上年实绩基线", "baseline_year": "基线年度", "year": "年度", "material_class": "物料分类", "rows": "明细",
    "reps": "申报业务员", "regions": "汇总大区", "submissions": "申报与汇总", "rep_figures": "业务员申报",
    "region_figures": "大区汇总", "by": "提交人", "remark": "说明", "capacity_check": "产能校验", "quantity": "数量",
    "line_count": "行数", "issued": "下达的销售计划", "targets": "销售指标", "recipients": "指标接收人",
    "plan_lines": "分解明细", "over": "超出产能的月份", "planned": "计划数量", "capacity": "产能",
    # customer onboarding: the likely duplicates and the file opened
    "duplicates": "疑似重复客户", "matches": "疑似重复", "why": "疑似原因", "tax_id": "纳税人识别号",
    "customer_file": "客户建档结果", "customer_channel": "销售渠道",
    # the first credit rating's outcome the onboarding waited for
    "credit_settlement": "首次信用评级结果", "rating_outcome": "评级结果", "rating_instance": "信用评级流程编号",
    # after-sales service cases (F20): the case, its triage, resolution and follow-up, due times and escalations
    "case": "售后服务单", "triage_result": "分诊结果", "resolution": "处理结果", "follow_up": "后续通知",
    "closing": "回访结果", "case_no": "服务单号", "description": "问题描述", "batch": "批号", "severity": "严重程度",
    "warranty_until": "保修截止日", "in_warranty": "在保修期内", "reopen_count": "重新处理次数",
    "shipments": "客户近期发货", "open_cases": "客户未结服务单", "outcome": "费用归属",
    "parts": "使用备件", "parts_cost": "备件成本", "warranty_expense": "保修费用", "billable_amount": "收费金额",
    "triage_due": "分诊期限", "resolution_due": "处理期限", "due_at": "到期时间", "hours": "工作小时",
    "due_hours": "时限（工作小时）", "sla_severity": "时限依据", "stage": "环节",
    "triage_escalation": "分诊超时上报", "resolution_escalation": "处理超时上报",
    "return_request": "退货申请流程编号", "service_case": "售后服务单号", "service_order": "维修服务订单",
    # the monthly plan and plan versus actual (F11)
    "draft": "月度计划草稿", "annual": "年度计划本月指标", "open_orders": "已订未发", "lines_check": "指标校验",
    "achievement": "计划执行情况", "has_targets": "本月有指标", "lowest_pct": "最低达成率（%）",
    "highest_pct": "最高达成率（%）", "next_month": "下月", "by_material_class": "按物料分类", "month_target": "本月指标",
    "month_actual": "本月开票", "month_pct": "本月达成率（%）", "ytd_target": "年累计指标", "ytd_actual": "年累计开票",
    "ytd_pct": "年累计达成率（%）", "variances": "超出范围的偏差",
    # marketing campaigns (F19): the case, its target group, tasks, dispatch, results and effect
    "campaign": "营销案", "target_group": "目标客户群", "split": "任务分解", "dispatch": "派单结果", "effect": "活动效果",
    "evaluation": "活动评估", "campaign_no": "活动编号", "theme": "营销主题", "objective": "活动目标", "offer": "优惠内容",
    "eligibility": "参与条件", "starts_on": "开始日期", "ends_on": "结束日期",
    "budget_lines": "预算明细", "item": "费用项目", "budget_total": "预算合计", "budget": "预算", "budget_left": "预算结余",
    "over_budget": "超出预算", "price_sheet": "价格调整单号", "rules": "目标客户规则", "classes": "客户类别",
    "channels": "客户渠道", "recency_days": "近期下单天数", "min_volume": "最低采购额", "dispatch_channels": "派单渠道",
    "design_brief": "设计要求", "snapshot_no": "客户群快照版本", "excluded": "特殊名单排除",
    "withheld": "派单时排除（特殊名单）", "tasks": "营销任务", "task_no": "任务编号", "assignee": "执行人",
    "reporters": "反馈人", "dispatched": "派单客户数", "results": "任务结果", "contacts": "接触客户数",
    "responses": "响应数", "leads": "商机数", "order_numbers": "成交订单号", "orders": "归属订单",
    "revenue": "归属收入（不含税）", "spend": "实际花费", "unmatched": "未匹配的反馈人",
    # sales expense budgets (F22)
    "claim_total": "报销合计", "advance_check": "借支核对", "budget_line": "预算科目", "department": "部门",
    "category_name": "费用类别", "remaining": "预算余额", "remaining_after": "本次后预算余额",
    "employee_name": "员工姓名", "expected_settlement_date": "预计报销日期",
    "to_pay": "应补付金额", "to_return": "应退回金额", "claim_result": "报销入账结果",
    "director_approval_required": "需营销总监审批", "gm_approval_required": "需总经理审批",
    # presales proposals (F21): the project file, its approved versions, the outcome and the hand-over
    "opportunity": "项目档案", "opportunity_no": "商机编号", "project": "项目名称", "bid_deadline": "投标截止日期",
    "scope": "项目范围", "estimated_value": "预计合同金额", "gm_review": "需集团领导把关",
    "plan_version": "调研规划（已批准）", "report_version": "调研报告（已归档）", "proposal_version": "项目方案（已批准）",
    "demo_version": "演示方案（已批准）", "approvals": "审批记录", "step": "审批环节", "approver": "审批人",
    "costs_total": "售前费用合计", "knowledge": "知识库新增条目", "handover": "中标移交", "project_result": "项目结果",
    # stock loans (F17) and where stock is
    "expected_date": "预计归还或转销售日期", "extensions": "延期次数", "goods_out": "仍有货物在客户处",
    "gm_required": "需总经理审批", "loan": "借出单", "loan_days": "借出天数",
    "loan_no": "借出单号", "on_hand": "库存数量", "overdue_loans": "逾期未还的借出", "qty_converted": "已转销售", "qty_lent": "借出数量",
    "qty_lost": "损失数量", "still_out": "仍在客户处", "value": "借出金额（含税）", "warehouse": "仓库", "days_overdue": "逾期天数",
    "value_out": "未还金额（含税）", "loan_state": "借出余量", "signature": "签收登记", "loan_out": "借出出库", "extension": "延期",
    "conversion": "转销售订单", "backfill": "补单", "unconversion": "撤销转销售", "loan_return": "归还入库", "cost": "成本",
    # F18 cross-organisation sale and internal settlement
    "transfer": "调拨订单", "transfer_no": "调拨订单号", "transfer_in_no": "调拨入库单号", "transfer_line_no": "调拨行号",
    "supplier_org": "供货组织", "buyer_org": "购买组织", "ships_from_org": "发货组织", "from_warehouse": "调出仓库", "to_warehouse": "调入仓库", "mode": "发货方式",
    "qty_out": "调出数量", "qty_received": "实收数量", "order_status": "订单状态",
    "internal_invoice_no": "内部交易发票号", "period": "期间", "rejection_reason": "驳回原因", "settlement_no": "内部结算单号",
}

# Where a key means something else inside one object: the object's key → {key: title}. The travel
# request a trip claim is checked against (claim_check.request) states the trip's purpose, not an
# advance's or an expense's use of money.
LABELS_WITHIN = {
    "request": {"purpose": "出差目的"},
    "customer_change": {"reason": "变更理由"},
    "credit_settlement": {"reason": "原因"},
    # a price adjustment sheet's reason is why prices change, not why someone travels
    "price_adjustment_sheet": {"reason": "调价原因"}, "draft_result": {"reason": "调价原因"},
    "decision_result": {"reason": "调价原因"}, "impact": {"customers": "使用该价目表的客户"},
    # a service case's route is who investigates it, its channel where the request came from
    **{key: {"route": "处理方", "channel": "受理渠道", "status": "服务单状态", "category": "问题类别",
             "kind": "请求类型"} for key in ("case", "triage_result", "resolution", "closing")},
    "follow_up": {"notified": "已通知"}, "triage_escalation": {"notified": "已通知"},
    "resolution_escalation": {"notified": "已通知"}, "service_order": {"notified": "已通知开票的销售代表"},
    "draft": {"lines": "建议指标"},  # a monthly plan's proposed lines
    # a campaign's figures: the orders it brought, the customers on each task's list
    "effect": {"order_count": "归属订单数"}, "evaluation": {"order_count": "归属订单数"},
    "target_group": {"count": "目标客户数", "targets": "目标客户"},
    "handover": {"notified": "已通知"}, "project_result": {"status": "项目结果"},
}

# Keys whose values are master-data codes a ledger result or a form holds: shown with the name beside the code
# (app/services/reference_names.py), as a form field marked x-ref is; people by name, their login beside it.
REFERENCE_KEYS = {
    "customer": "customer", "customer_code": "customer", "sales_customer": "customer", "finance_customer": "customer",
    "material": "material", "sales_material": "material", "inventory_material": "material",
    "material_class": "material_class", "customer_class": "customer_class", "segment": "customer_class",
    "price_list": "price_list", "base_price_list": "price_list",
    **dict.fromkeys(("salesperson", "employee", "traveller", "approved_by", "price_approved_by", "decided_by",
                     "requested_by", "credited_to", "notified"), "user"),
}

# What a person does not need to read: the engine's success flag and lists of internal ids.
# "reps" and "regions": the sales plan's lists of who submits (each gets a task of their own).
HIDDEN_KEYS = {"ok", "allocation_ids", "source_key", "override_id", "customer_id", "material_id", "credit_id", "notice",
               "old_item_id", "new_item_id", "new_rule_id", "reps", "regions", "budget_figure", "ends_at",
               "value_figure", "loan_value", "due_at"}

MONEY_KEYS = {
    "net", "tax", "gross", "amount", "amount_cap", "contract_amount_cap", "contract_used", "used", "unallocated",
    "claimed", "applied", "returned", "payable", "collected", "difference", "shipped", "invoiced", "received",
    "credit_limit", "exposure", "total_amount", "advance_left", "advance_total", "shortfall", "invoiced_net",
    "ledger_revenue", "loss_cost", "annual_target", "sales_amount", "finance_amount",
    "estimated_cost", "estimated", "actual", "cost_difference", "advance_outstanding", "target", "achieved", "rewards",
    "penalties", "allocated", "outstanding", "customer_credit", "open_receivables", "overdue",
    "month_target", "month_actual", "ytd_target", "ytd_actual",
    "budget_total", "budget", "budget_left", "min_volume", "revenue", "spend",
    "budget", "remaining", "remaining_after", "to_pay", "to_return", "claim_total",
    "estimated_value", "costs_total",
    "budget", "remaining", "remaining_after", "to_pay", "to_return", "claim_total", "value", "value_out", "cost",
}
PRICE_KEYS = {"unit_price", "old_price", "new_price"}
RATE_KEYS = {"tax_rate", "collection_rate", "achievement_rate", "returns_ratio"}
QTY_KEYS = {"qty", "qty_delivered", "qty_invoiced", "qty_returned", "received_qty", "loss_qty", "quantity", "planned",
            "capacity", "qty_lent", "qty_converted", "qty_lost", "still_out", "on_hand", "qty_out", "qty_received"}

# Codes the ledger stores, as a reader says them.
_KINDS = {"blue": "蓝字", "red": "红字", "payout": "发放", "recovery": "扣回", "none": "无", "reward": "奖励", "penalty": "处罚",
          "repair": "报修", "complaint": "投诉", "maintenance": "维护保养", "support": "技术支持",
          # a price adjustment sheet's lines (F16)
          "reprice": "调整单价", "new_item": "新增价格项", "add_rule": "新增价格匹配", "end_rule": "停用价格匹配",
          "retarget_rule": "改指价格匹配",
          # a presales project's recorded versions (F21)
          "research_plan": "调研规划", "research_report": "调研报告", "proposal": "项目方案", "demo": "演示方案"}
_DISPATCH = {"email": "电子邮件", "sms": "短信", "call": "外呼", "visit": "拜访"}
VALUE_LABELS = {
    "kind": _KINDS, "invoice_kind": _KINDS,
    "transport_mode": {"own_truck": "公司车辆", "logistics": "物流托运", "courier": "快递", "customer_pickup": "客户自提"},
    "route": {"city": "市内", "out_of_town": "外埠", "tech_support": "技术支持", "quality": "质量调查"}, "loss_borne_by": {"company": "本公司", "customer": "客户"},
    "invoice_type": {"special_vat": "增值税专用发票", "ordinary_vat": "增值税普通发票",
                     "digital_special_vat": "数电票（增值税专用发票）", "digital_ordinary_vat": "数电票（普通发票）"},
    "status": {"approved": "已审核", "held": "信用暂停", "awaiting_payment": "待付款", "draft": "草稿", "posted": "已过账",
               "void": "已作废", "cancelled": "已取消", "active": "有效", "closed": "已关闭", "open": "未结帐",
               "untriaged": "待分诊", "triaged": "已分诊", "resolved": "已处理",
               "drafted": "待审批", "split": "已分解", "dispatched": "已派单", "evaluated": "已评估",
               "won": "中标", "lost": "未中标（已归档）", "in_progress": "进行中",
               "requested": "待出库", "lent": "已借出", "delivered": "已签收"},  # a stock loan's (F17)
    "purpose": {"trial": "试用", "demo": "演示", "loan": "借用"},
    "channel": {"desk": "客服受理", "rep": "业务员受理", "portal": "客户门户", **_DISPATCH},
    "dispatch_channels": _DISPATCH, "channels": {"direct": "直销客户", "dealer": "经销商", "mail_order": "邮购客户"},
    "theme": {"care": "关怀营销", "reminder": "提醒营销", "retention": "业务挽留", "experience": "体验活动",
              "seminar": "技术交流会", "samples": "样品试用"},
    "region": {"*": "全部大区"},
    # a presales version's review steps (F21), by element id
    "step": {"Task_PlanApproval": "项目经理审批调研规划", "Task_ReportApproval": "咨询经理审批调研报告",
              "Task_ProposalFeasibility": "实施审核方案可行性", "Task_ProposalPMApproval": "项目经理审批",
              "Task_ProposalCMApproval": "咨询经理审批", "Task_ProposalDirectorApproval": "客户总监审批",
              "Task_ProposalGMApproval": "集团领导把关", "Task_DemoFeasibility": "实施审核演示流程可行性",
              "Task_DemoPMApproval": "项目经理审批", "Task_DemoCMApproval": "咨询经理审批",
              "Task_DemoDirectorApproval": "客户总监审批", "Task_DemoGMApproval": "集团领导把关"},
    "category": {"product_fault": "产品故障", "installation": "安装调试", "usage": "使用操作", "delivery": "交付问题",
                 "service_attitude": "服务态度", "other": "其他",
                 # sales expense categories (F22)
                 "travel": "差旅费", "entertainment": "业务招待费", "promotion": "市场推广费", "communication": "通讯费",
                 "transport": "交通费", "office": "办公费", "meeting": "会议费"},
    "severity": {"critical": "紧急（停产）", "high": "高", "normal": "一般", "low": "低"},
    "outcome": {"warranty": "保修", "billable": "有偿", "return": "退回货物", "no_charge": "无费用"},
    "stage": {"triage": "分诊", "resolution": "处理"},
    "staffing": {"office": "内勤", "field": "外勤"},
    "approver_role": {"sales_director": "销售总监", "general_manager": "总经理"},
    "bucket": {"current": "未到期", "d1_30": "逾期1–30天", "d31_60": "逾期31–60天", "d61_90": "逾期61–90天",
               "over_90": "逾期90天以上"},
    # the monthly reconciliation: what was checked, and how a record differs
    "mismatch": {"missing_in_inventory": "库存系统无此出库", "missing_in_sales": "销售系统无此发货",
                 "material_differs": "物料不符", "qty_differs": "数量不符", "missing_in_finance": "财务系统无此应收",
                 "customer_differs": "客户不符", "amount_differs": "金额不符", "statement_missing": "未导入对帐文件"},
    "name": {"entries_balance": "分录借贷平衡", "invoice_outstanding": "发票未收余额", "receipt_allocations": "回款核销",
             "customer_balances": "客户往来余额", "order_line_quantities": "订单行数量", "shipments_match_stock": "发货与库存出库",
             "revenue_and_receivables": "收入与应收", "invoices_match_ledger": "发票与账簿", "employee_advances": "员工借支",
             "order_line_prices": "订单行价格", "order_cancellations": "订单取消", "price_rules": "价格规则",
             "stock_places": "存货地点", "stock_loans": "借出货物", "transfers_balance": "调拨出入与途损",
             "internal_settlements": "内部往来余额", "service_parts_match_stock": "售后备件出库",
             "inventory_statement": "与库存系统出库明细核对", "finance_statement": "与财务系统应收明细核对"},
    "statement": {"inventory_outbound": "库存系统出库明细", "finance_receivables": "财务系统应收明细"},
    "code": {"no_price": "询不到价格", "price_rule_tie": "价格规则冲突"},
    "why": {"tax_id": "纳税人识别号相同", "name": "名称相近"},
    "customer_channel": {"direct": "直销客户", "dealer": "经销商", "mail_order": "邮购客户"},
    "rating_outcome": {"approved": "已批准", "rejected": "未批准", "withdrawn": "已撤回", "cancelled": "已取消"},
    "mode": {"via_buyer": "调入本组织仓库后发货", "direct": "供货组织直运客户"},
}
