"""The replay's diff between two moments' data and its list of files:
added, removed and changed keys in order, each titled and formatted by the
form that writes it (money as money), and every file reference found once."""
from app.services.replay_diff import described, diff, files_in

SCHEMAS = [{"properties": {"amount": {"type": "number", "title": "金额（元）", "x-money": True},
                           "note": {"type": "string", "title": "备注"}}}]


def _shown(node):
    return node and (node.get("value") or node.get("text"))


def test_added_removed_changed_in_order_with_titles_and_money(app):
    with app.app_context():
        changes = diff({"amount": 100, "note": "a", "old": 1, "same": [1]},
                       {"amount": 250.5, "note": "a", "new": {"x": 1}, "same": [1]}, SCHEMAS)
    assert [(c.key, c.change) for c in changes] == [("amount", "changed"), ("new", "added"), ("old", "removed")]
    amount = changes[0]
    assert amount.title == "金额（元）" and amount.old["kind"] == "money" and amount.new["kind"] == "money"
    assert (_shown(amount.old), _shown(amount.new)) == ("100.00", "250.50")
    assert changes[1].old is None and changes[2].new is None
    assert diff({"a": 1}, {"a": 1}, SCHEMAS) == [] and diff({}, {}, []) == []


def test_a_ledger_amount_no_form_titles_is_money_by_the_glossary(app):
    with app.app_context():
        [change] = diff({}, {"gross": "2215"}, [])
    assert change.title == "价税合计" and change.new == {"kind": "money", "value": "2215.00"}


def test_files_are_found_anywhere_once():
    ref = {"name": "c.pdf", "type": "application/pdf", "size": 3, "sha256": "a" * 64}
    other = {"name": "q.pdf", "type": "application/pdf", "size": 4, "sha256": "b" * 64}
    found = files_in([{"contract_file": ref, "lines": [{"scan": other}, {"scan": ref}]}, {"again": ref}])
    assert [f["sha256"] for f in found] == ["a" * 64, "b" * 64] and found[0]["name"] == "c.pdf"
    assert files_in({"sha256": "c" * 64}) == []  # a hash alone is not a file reference


def test_described_titles_each_key_by_its_form(app):
    with app.app_context():
        tree = described({"amount": 3, "note": "x"}, SCHEMAS)
    assert [(i["title"], i["node"]["kind"]) for i in tree["items"]] == [("金额（元）", "money"), ("备注", "text")]
