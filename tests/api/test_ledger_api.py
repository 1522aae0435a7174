"""/ledger: checks, customer statements, documents; customer and material
lookups. Readers: auditor, finance, sales_admin, sales_director,
general_manager, process_admin."""
import pytest

from app.extensions import db
from app.workflow.actions import ActionCall, run_action
from api.user_client import DEMO_PASSWORD, PREFIX, UserClient, error_of

READERS = ["auditor", "finance", "sales_admin", "director", "gm", "process_admin"]


@pytest.fixture
def as_user(client, org):
    def token_for(username):
        response = client.post(PREFIX + "/auth/token", json={"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 201, response.get_json()
        return UserClient(client, username, response.get_json()["token"])

    return token_for


@pytest.fixture
def business(ctx, org):
    """Demo master data and one sale to D00001: ordered, shipped, invoiced, partly paid."""
    from app.services.demo_master_data import load_demo_master_data

    load_demo_master_data()
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
    assert customers == [{"value": "D00001", "label": "浙江泵阀总经销有限公司 (D00001)"}]
    materials = as_user("rep_east1").ok("get", "/lookups/material?q=pcf00")
    assert materials[0] == {"value": "PCF001", "label": "单级离心泵 (PCF001)"} and len(materials) == 8
    assert as_user("rep_east1").ok("get", "/lookups/material?q=IS80-65")[0]["value"] == "PCF005"
