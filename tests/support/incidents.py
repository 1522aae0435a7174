"""Instances of F10 promotion_expense stuck in error at the advance's
payment (ledger.pay_advance), for the incident tests.

The real actions refuse what breaks a business rule as a result the
diagram routes to a person, so a real flow goes into ERROR only when an
action raises something else. This seam plays the cashier's interface
lacking master data: paying an advance raises LookupError while the
employee has no payee account on file (``accounts``), naming the request
and the task, so the message differs per instance as real ones do. Adding
the employee's account is the fix; the real action then posts."""
from app import actions

DEALER = "浙江泵阀总经销有限公司"
FAILING_STEP = "Task_PayAdvance"


def payee_accounts(monkeypatch) -> set:
    """Install the seam; returns the set of usernames with an account on file (empty)."""
    original = actions._REGISTRY["ledger.pay_advance"]
    accounts: set = set()

    def paying(call, **params):
        if params.get("employee") not in accounts:
            raise LookupError(f"出纳接口：员工 {params.get('employee')} 无收款账户 (request {call.instance_id}, "
                              f"task {call.task_id})")
        return original(call, **params)

    monkeypatch.setitem(actions._REGISTRY, "ledger.pay_advance", paying)
    return accounts


def application(customer_code, amount=5000):
    return {"expense_type": "exhibition", "amount": amount, "customer": customer_code(DEALER),
            "purpose": "杭州泵阀展会展位及资料"}


def failed_advances(sales, customer_code, count: int, rep: str = "rep_east1", amount=5000) -> list:
    """``count`` promotion expense requests of ``rep``, approved, each in
    error at the advance's payment (the seam must be installed)."""
    made = []
    for n in range(count):
        instance = sales.start("promotion_expense", application(customer_code, amount + n), rep)
        sales.approve(instance, "Task_RegionalManagerReview", "rm_east")
        sales.approve(instance, "Task_DirectorReview", "director")
        sales.approve(instance, "Task_GMApplicationApproval", "gm")
        made.append(instance)
    return made
