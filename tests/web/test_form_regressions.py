"""Task pages that once crashed while showing a read-only value: each is
rendered through the test client as its performer and must be a 200 that
shows the value.

F01's 制作订单 shows ``contract_result`` and 编制出货单 ``order_result``
read-only; both hold a list (the lines) the form's schema does not
describe. Jinja's ``schema['items']`` falls back to ``dict.items`` when the
key is missing, so the page rendered a method as a schema and answered 500."""
from tests.support.contract_shipment import REP, approve_contract, make_order
from tests.support.contract_shipment import contract  # noqa: F401  (a fixture)
from tests.support.flow_driver import ready_task_id


def test_make_order_page_shows_the_registered_contract(sales, contract, web):
    instance = sales.start("contract_shipment", contract(), REP)
    approve_contract(sales, instance)
    page = web("order_clerk").page(f"/tasks/{ready_task_id(instance.id, 'Task_MakeOrder')}")
    assert "制作订单" in page and "合同登记结果" in page and "HT-2026-118" in page
    assert 'name="order_date"' in page


def test_make_shipping_note_page_shows_the_order(sales, contract, web):
    instance = sales.start("contract_shipment", contract(), REP)
    approve_contract(sales, instance)
    make_order(sales, instance)
    sales.approve(instance, "Task_OrderReview", "sales_admin")
    page = web("billing_clerk").page(f"/tasks/{ready_task_id(instance.id, 'Task_MakeShippingNote')}")
    order_no = instance.data["order_result"]["order_no"]
    assert "编制出货单" in page and "订单结果" in page and order_no in page and "2215.00" in page
    assert 'name="delivery_address"' in page


def test_a_list_without_an_item_schema_is_shown_item_by_item(app):
    """The macro itself: a list under a schema with no ``items`` key, and
    objects whose keys are dict methods (items, keys, values, get)."""
    with app.test_request_context():
        show = app.jinja_env.get_template("_form.html").module.show
        html = str(show({}, [{"items": 2, "keys": "k", "values": "v", "get": "g"}, "second"]))
        assert "items" in html and "second" in html and ">2<" in html
        html = str(show({"type": "array"}, ["a", "b"]))
        assert "a" in html and "b" in html
        html = str(show({"type": "object", "properties": {"items": {"title": "明细"}}}, {"items": ["x"]}))
        assert "明细" in html and "x" in html


def test_lines_are_read_as_a_table_titled_by_their_schema(app):
    """Lines (a list of objects) read as a table, a column per key; a key
    named like a dict method (items, get) is a column like any other."""
    with app.test_request_context():
        show = app.jinja_env.get_template("_form.html").module.show
        schema = {"type": "array", "items": {"type": "object", "properties": {
            "material": {"type": "string", "title": "物料"}, "qty": {"type": "number", "title": "数量"}}}}
        html = str(show(schema, [{"material": "MTR001", "qty": 2}, {"material": "PRT001", "qty": 3, "items": "备件"}]))
        assert [th for th in ("物料", "数量", "items") if f'<th scope="col">{th}</th>' in html] == ["物料", "数量", "items"]
        assert '<td data-label="物料">MTR001</td><td data-label="数量">2</td>' in html
        assert '<td data-label="items">备件</td>' in html
