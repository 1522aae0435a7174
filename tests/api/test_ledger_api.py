"""/ledger: checks, customer statements, documents; customer and material
lookups. Readers: auditor, finance, sales_admin, sales_director,
general_manager, process_admin."""
import pytest

from app.extensions import db
from app.actions import ActionCall, run_action
from tests.support.api_client import PREFIX, error_of, signed_in

READERS = ["auditor", "finance", "sales_admin", "director", "gm", "process_admin"]


@pytest.fixture
def as_user(client, org):
    return lambda username: signed_in(client, username)


@pytest.fixture
def business(ctx, master_data):
    """Demo master data and one sale to D00001: ordered, shipped, invoiced, partly paid."""
    calls = iter(range(1, 100))

    def act(operation, **params):
        return run_action(ActionCall(700, f"api-{next(calls)}", "Task_Test", operation, None), params)

    order = act("ledger.create_sales_order", customer="D00001", lines=[{"material": "PCF001", "qty": 2}], date="2026-11-03")
    note = act("ledger.create_shipping_note", order=order["order_no"], date="2026-11-03")
    act("ledger.post_outbound", shipping_note=note["shipping_note_no"], date="2026-11-03")
    invoice = act("ledger.issue_invoice", order=order["order_no"], date="2026-11-04")
    receipt = act("ledger.record_receipt", customer="D00001", amount="1000", date="2026-11-05")
    act("ledger.allocate_receipt", receipt=receipt["receipt_no"], date="2026-11-05")
    db.session.commit()
    return {"order": order, "invoice": invoice, "receipt": receipt}


@pytest.mark.parametrize("username", READERS)
def test_readers_see_the_checks(as_user, business, username):
    body = as_user(username).ok("get", "/ledger/checks?month=2026-11")
    assert {c["name"] for c in body["checks"]} >= {"entries_balance", "employee_advances", "customer_balances"}
    assert all(c["ok"] and c["violations"] == [] for c in body["checks"]), body


def test_others_may_not_read_the_ledger(as_user, business):
    for path in ["/ledger/checks?month=2026-11", "/ledger/customers/D00001/statement",
                 f"/ledger/documents/invoice/{business['invoice']['invoice_no']}", "/ledger/checks?month=bad"]:
        error_of(as_user("rep_east1").get(path), 403, "forbidden")


@pytest.mark.parametrize("path", ["/ledger/checks", "/ledger/customers/D00001/statement", "/ledger/documents/invoice/X"])
def test_no_token_is_401(client, path):
    error_of(client.get(PREFIX + path), 401, "unauthenticated")


@pytest.mark.parametrize("month", ["2026-13", "11-2026", "2026-1", "x" * 200])
def test_a_bad_month_is_422(as_user, month):
    error = error_of(as_user("finance").get(f"/ledger/checks?month={month}"), 422)
    assert "month" in error["details"]["fields"]


def test_customer_statement(as_user, business):
    gross = business["invoice"]["gross"]
    body = as_user("finance").ok("get", "/ledger/customers/D00001/statement")
    assert body["customer"]["code"] == "D00001"
    invoices = [d for d in body["documents"] if d["kind"] == "invoice"]
    receipts = [d for d in body["documents"] if d["kind"] == "receipt"]
    assert [(d["number"], d["amount"]) for d in invoices] == [(business["invoice"]["invoice_no"], gross)]
    assert receipts[0]["number"] == business["receipt"]["receipt_no"] and receipts[0]["unallocated"] == "0.00"
    assert [a["amount"] for a in body["allocations"]] == ["1000.00"]
    from decimal import Decimal

    left = str(Decimal(gross) - 1000)
    assert body["balance"] == {"open_receivables": left, "advances": "0.00", "balance": left, "ledger": left}
    error_of(as_user("finance").get("/ledger/customers/NOPE/statement"), 404, "unknown_customer")


def test_documents_with_their_entries(as_user, business):
    number = business["invoice"]["invoice_no"]
    body = as_user("auditor").ok("get", f"/ledger/documents/invoice/{number}")
    assert body["kind"] == "invoice" and body["document"]["number"] == number
    assert body["document"]["lines"][0]["material"] == "PCF001"
    debits = sum(float(e["debit"]) for e in body["entries"])
    credits = sum(float(e["credit"]) for e in body["entries"])
    assert debits == credits == float(business["invoice"]["gross"])
    order = as_user("auditor").ok("get", f"/ledger/documents/sales_order/{business['order']['order_no']}")
    assert order["document"]["lines"][0]["qty_invoiced"] == "2.0000" and order["entries"] == []
    error_of(as_user("auditor").get("/ledger/documents/invoice/IV209901-0001"), 404, "unknown_document")
    error_of(as_user("auditor").get("/ledger/documents/planet/1"), 404, "unknown_document_kind")


def test_customer_and_material_lookups(as_user, business):
    customers = as_user("rep_east1").ok("get", "/lookups/customer?q=D00001")
    assert customers == [{"value": "D00001", "label": "浙江泵阀总经销有限公司 (D00001)", "name": "浙江泵阀总经销有限公司"}]
    materials = as_user("rep_east1").ok("get", "/lookups/material?q=pcf00")
    assert materials[0]["value"] == "PCF001" and materials[0]["label"] == "单级离心泵 (PCF001)" and len(materials) == 8
    assert materials[0]["name"].startswith("单级离心泵 ")  # with its spec
    assert as_user("rep_east1").ok("get", "/lookups/material?q=IS80-65")[0]["value"] == "PCF005"


# --- writes -----------------------------------------------------------------------------------------------------

SHA = "b" * 64


def _statement_doc(client, number):
    body = client.ok("get", "/ledger/customers/D00001/statement")
    return next(d for d in body["documents"] if d["number"] == number)


def test_finance_records_a_receipt_and_writes_it_off(as_user, business):
    finance = as_user("finance")
    invoice = business["invoice"]["invoice_no"]
    left = _statement_doc(finance, invoice)["outstanding"]
    body = finance.ok("post", "/ledger/receipts", 201, json={
        "customer": "D00001", "amount": 500.1, "date": "2026-11-20", "bank_reference": "工行回单-0098",
        "invoice_reference": invoice, "allocate": True})
    assert body["amount"] == "500.10" and body["customer"] == "D00001"
    assert [(a["invoice_no"], a["amount"]) for a in body["allocations"]] == [(invoice, "500.10")]
    from decimal import Decimal

    assert _statement_doc(finance, invoice)["outstanding"] == str(Decimal(left) - Decimal("500.10"))
    assert as_user("auditor").ok("get", "/ledger/checks?month=2026-11")["checks"][0]["ok"]


def test_a_retried_receipt_with_the_same_idempotency_key_posts_once(as_user, business):
    finance = as_user("finance")
    payload = {"customer": "D00001", "amount": "88", "date": "2026-11-21"}
    headers = {**finance.headers, "Idempotency-Key": "bank-line-4711"}
    first = finance.client.post(PREFIX + "/ledger/receipts", json=payload, headers=headers)
    again = finance.client.post(PREFIX + "/ledger/receipts", json=payload, headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.get_json()["receipt_no"] == again.get_json()["receipt_no"]
    receipts = [d for d in finance.ok("get", "/ledger/customers/D00001/statement")["documents"] if d["kind"] == "receipt"]
    assert len(receipts) == 2  # the fixture's and this one


def test_a_key_reused_for_another_request_is_422_and_posts_nothing(as_user, business):
    finance = as_user("finance")
    headers = {**finance.headers, "Idempotency-Key": "bank-line-4712"}
    first = finance.client.post(PREFIX + "/ledger/receipts", json={"customer": "D00001", "amount": "88"}, headers=headers)
    assert first.status_code == 201
    other = finance.client.post(PREFIX + "/ledger/receipts", json={"customer": "D00001", "amount": "880"}, headers=headers)
    error = error_of(other, 422, "idempotency_key_reused")
    assert "Idempotency-Key" in error["details"]["fields"]
    receipts = [d for d in finance.ok("get", "/ledger/customers/D00001/statement")["documents"] if d["kind"] == "receipt"]
    assert len(receipts) == 2  # the fixture's and the first
    contract = {"customer": "D00001", "number": "HT-KEY-1", "amount_cap": "1000", "valid_from": "2026-12-01"}
    assert finance.client.post(PREFIX + "/ledger/contracts", json=contract, headers=headers).status_code == 201
    # the same key for another operation is another request; the same body again is the stored answer
    again = finance.client.post(PREFIX + "/ledger/receipts", json={"customer": "D00001", "amount": "88"}, headers=headers)
    assert again.status_code == 201 and again.get_json()["receipt_no"] == first.get_json()["receipt_no"]


@pytest.mark.parametrize("username, code", [("auditor", "read_only"), ("sales_admin", "forbidden"),
                                            ("rep_east1", "forbidden")])
def test_only_finance_handles_money(as_user, business, username, code):
    user = as_user(username)
    error_of(user.post("/ledger/receipts", json={"customer": "D00001", "amount": 1}), 403, code)
    error_of(user.post(f"/ledger/receipts/{business['receipt']['receipt_no']}/reversal", json={"reason": "x"}), 403, code)


@pytest.mark.parametrize("payload, field", [
    ({"amount": 1}, "customer"),
    ({"customer": "D00001"}, "amount"),
    ({"customer": "D00001", "amount": "12.345"}, "amount"),
    ({"customer": "D00001", "amount": -5}, "amount"),
    ({"customer": "D00001", "amount": "abc"}, "amount"),
    ({"customer": "D00001", "amount": True}, "amount"),
    ({"customer": "D00001", "amount": 1, "date": "2026-02-30"}, "date"),
    ({"customer": "NOPE", "amount": 1}, "customer"),
    ({"customer": "D00001\x00", "amount": 1}, "customer"),
])
def test_a_bad_receipt_is_422_naming_the_field(as_user, business, payload, field):
    error = error_of(as_user("finance").post("/ledger/receipts", json=payload), 422)
    assert field in error["details"]["fields"], error


def test_a_receipt_into_a_closed_period_is_422_on_the_date(as_user, business):
    from app.ledger.journal import close_period

    close_period("2026-10")
    db.session.commit()
    error = error_of(as_user("finance").post("/ledger/receipts", json={"customer": "D00001", "amount": 1, "date": "2026-10-31"}),
                     422, "period_closed")
    assert "date" in error["details"]["fields"]


def test_finance_reverses_a_mistaken_receipt(as_user, business):
    finance = as_user("finance")
    number, invoice = business["receipt"]["receipt_no"], business["invoice"]["invoice_no"]
    before = _statement_doc(finance, invoice)["outstanding"]
    body = finance.ok("post", f"/ledger/receipts/{number}/reversal", 201, json={"reason": "重复入账", "date": "2026-11-25"})
    assert body["amount"] == "-1000.00" and body["receipt_no"] == number
    assert [a["amount"] for a in body["reversed_allocations"]] == ["-1000.00"]
    from decimal import Decimal

    assert _statement_doc(finance, invoice)["outstanding"] == str(Decimal(before) + 1000)
    red = finance.ok("get", f"/ledger/documents/receipt_reversal/{body['reversal_no']}")
    assert red["document"]["receipt"] == number and {e["reverses_entry_id"] is not None for e in red["entries"]} == {True}
    assert _statement_doc(finance, body["reversal_no"])["kind"] == "receipt_reversal"
    error_of(finance.post(f"/ledger/receipts/{number}/reversal", json={"reason": "again"}), 409, "already_reversed")
    error_of(finance.post("/ledger/receipts/RC209901-0009/reversal", json={"reason": "x"}), 404, "unknown_receipt")
    assert "reason" in error_of(finance.post(f"/ledger/receipts/{number}/reversal", json={}), 422)["details"]["fields"]
    assert "reason" in error_of(finance.post(f"/ledger/receipts/{number}/reversal", json={"reason": "   "}),
                                422, "missing_reason")["details"]["fields"]


CONTRACT = {"customer": "D00001", "number": "HT-API-001", "amount_cap": "50000", "valid_from": "2026-11-01",
            "valid_to": "2027-11-01", "price_terms": "按协议价", "payment_terms": "月结30天", "payment_days": 30,
            "attachments": [{"name": "合同.pdf", "type": "application/pdf", "size": 1024, "sha256": SHA}]}


@pytest.mark.parametrize("username", ["sales_admin", "finance"])
def test_contracts_are_registered_amended_and_closed(as_user, business, username):
    user = as_user(username)
    made = user.ok("post", "/ledger/contracts", 201, json=CONTRACT)
    assert (made["contract_no"], made["version"], made["status"], made["amount_cap"]) == ("HT-API-001", 1, "active", "50000.00")
    amended = user.ok("post", "/ledger/contracts/HT-API-001/amendments", 201,
                      json={"valid_from": "2026-12-01", "amount_cap": 80000, "reason": "追加"})
    assert (amended["version"], amended["amount_cap"], amended["valid_to"]) == (2, "80000.00", "2027-11-01")
    closed = user.ok("post", "/ledger/contracts/HT-API-001/closure", 201, json={"date": "2027-03-01", "reason": "终止"})
    assert closed["status"] == "closed" and [v["kind"] for v in closed["versions"]] == ["sign", "amend", "close"]
    document = user.ok("get", "/ledger/documents/contract/HT-API-001")["document"]
    assert document["status"] == "closed" and len(document["versions"]) == 3
    error_of(user.post("/ledger/contracts/HT-API-001/amendments", json={"valid_from": "2027-04-01"}), 409, "contract_closed")


@pytest.mark.parametrize("username, code", [("auditor", "read_only"), ("rep_east1", "forbidden"), ("director", "forbidden")])
def test_contracts_need_finance_or_sales_admin(as_user, business, username, code):
    error_of(as_user(username).post("/ledger/contracts", json=CONTRACT), 403, code)
    error_of(as_user(username).post("/ledger/contracts/HT-DEMO-D00001/closure", json={"reason": "x"}), 403, code)


@pytest.mark.parametrize("change, field", [
    ({"amount_cap": 0}, "amount_cap"),
    ({"amount_cap": "1.001"}, "amount_cap"),
    ({"valid_from": "2026-11-31"}, "valid_from"),
    ({"valid_to": "2026-10-01"}, "valid_to"),
    ({"customer": "NOPE"}, "customer"),
    ({"payment_days": "30"}, "payment_days"),
    ({"attachments": [{"name": "x.pdf", "type": "application/pdf", "size": 1, "sha256": "xyz"}]}, "attachments"),
    ({"number": ""}, "number"),
])
def test_a_bad_contract_is_422_naming_the_field(as_user, business, change, field):
    error = error_of(as_user("sales_admin").post("/ledger/contracts", json={**CONTRACT, **change}), 422)
    assert field in error["details"]["fields"], error


def test_contract_conflicts_and_unknowns(as_user, business):
    admin = as_user("sales_admin")
    admin.ok("post", "/ledger/contracts", 201, json=CONTRACT)
    error_of(admin.post("/ledger/contracts", json=CONTRACT), 409, "duplicate_contract")
    error_of(admin.post("/ledger/contracts/NOPE/amendments", json={"valid_from": "2026-12-01"}), 404, "unknown_contract")
    error = error_of(admin.post("/ledger/contracts/HT-API-001/amendments", json={"valid_from": "2026-10-01"}), 422,
                     "invalid_validity")
    assert "valid_from" in error["details"]["fields"]


# --- the customer file: versions, never changed in place -------------------------------------------------------------

@pytest.mark.parametrize("username", ["finance", "sales_admin", "statistician"])
def test_the_customer_file_changes_by_versions(as_user, business, username):
    user = as_user(username)
    made = user.ok("post", "/ledger/customers/D00001/changes", 201,
                   json={"payment_days": 75, "on_hold": True, "reason": "回款慢"})
    assert (made["version"], made["payment_days"], made["on_hold"], made["effective"], made["decided_by"]) == (
        2, 75, True, True, username)
    later = user.ok("post", "/ledger/customers/D00001/changes", 201,
                    json={"on_hold": False, "valid_from": "2099-01-01", "reason": "到期解除"})
    assert (later["version"], later["effective"], later["current"]) == (3, False, False)
    history = as_user("auditor").ok("get", "/ledger/customers/D00001/history")
    assert [(v["version"], v["on_hold"], v["current"]) for v in history["versions"]] == [
        (1, False, False), (2, True, True), (3, False, False)]
    assert history["current"] == 2 and history["versions"][0]["payment_days"] != 75


@pytest.mark.parametrize("username, code", [("auditor", "read_only"), ("rep_east1", "forbidden"), ("director", "forbidden")])
def test_customer_changes_need_the_keepers_of_the_file(as_user, business, username, code):
    error_of(as_user(username).post("/ledger/customers/D00001/changes", json={"region": "华北", "reason": "x"}), 403, code)


@pytest.mark.parametrize("change, field", [
    ({"reason": ""}, "reason"),
    ({"region": "火星"}, "region"),
    ({"customer_class": "NO_SUCH"}, "customer_class"),
    ({"channel": "web"}, "channel"),
    ({"salesperson": "director"}, "salesperson"),
    ({"salesperson": "nobody"}, "salesperson"),
    ({"payment_days": -1}, "payment_days"),
    ({"valid_from": "2026-02-30"}, "valid_from"),
    ({"valid_from": "2000-01-01"}, "valid_from"),
    ({"on_hold": "maybe"}, "on_hold"),
    ({}, "_schema"),
])
def test_a_bad_customer_change_is_422_naming_the_field(as_user, business, change, field):
    body = {"payment_days": 31, "reason": "调整", **change} if field not in ("_schema",) else {"reason": "无变化"}
    if field in ("region", "customer_class", "channel", "salesperson", "on_hold"):
        body.pop("payment_days")
    error = error_of(as_user("finance").post("/ledger/customers/D00001/changes", json=body), 422)
    assert field in error["details"]["fields"], error


def test_an_unknown_customer_is_404(as_user, business):
    finance = as_user("finance")
    error_of(finance.post("/ledger/customers/NOPE/changes", json={"region": "华北", "reason": "x"}), 404, "unknown_customer")
    error_of(finance.get("/ledger/customers/NOPE/history"), 404, "unknown_customer")


@pytest.mark.parametrize("path, payload, field", [
    ("/ledger/contracts/HT-API-001/closure", {"date": "2026-11-15", "reason": "终止"}, "date"),
    ("/ledger/contracts/HT-API-001/amendments", {"valid_from": "2026-11-15"}, "valid_from"),
    ("/ledger/contracts/HT-API-001/amendments", {"valid_from": "2026-12-15", "valid_to": "2026-12-10"}, "valid_to"),
])
def test_a_version_out_of_order_names_the_date_of_its_own_request(as_user, business, path, payload, field):
    """The rule names its input: a closure's ``date``, an amendment's
    ``valid_from`` — the same rule, told apart by the ledger, not by its message."""
    admin = as_user("sales_admin")
    admin.ok("post", "/ledger/contracts", 201, json=CONTRACT)
    admin.ok("post", "/ledger/contracts/HT-API-001/amendments", 201, json={"valid_from": "2026-12-01", "reason": "追加"})
    error = error_of(admin.post(path, json=payload), 422, "invalid_validity")
    assert list(error["details"]["fields"]) == [field], error


def test_an_unknown_customer_is_404_in_the_path_and_422_in_the_body(as_user, business):
    admin = as_user("sales_admin")
    error = error_of(admin.post("/ledger/contracts", json={**CONTRACT, "customer": "NOPE"}), 422, "unknown_customer")
    assert list(error["details"]["fields"]) == ["customer"]
    error_of(admin.post("/ledger/customers/NOPE/changes", json={"region": "华北", "reason": "x"}), 404, "unknown_customer")
