"""The migration that brings task_bar fills it for the approvals open at
upgrade time exactly as the commands would have: the rows the commands
wrote are dropped with the table, and the upgrade writes them again."""
from pathlib import Path

import flask_migrate
import sqlalchemy as sa

from app import clock, create_app
from app.extensions import db
from app.models import TaskBar
from app.services.accounts import find_user
from app.services.attachments import save_bytes
from tests.support.contract_shipment import REP, approve_contract, make_order
from tests.support.flow_driver import FlowDriver
from tests.support.frozen_clock import FROZEN_AT, FrozenClock
from tests.support.samples import EVALUATION, PROSPECT, RECHECK, TRIP

VERSIONS = Path(__file__).resolve().parents[2] / "migrations" / "versions"


def _revision_before() -> str:
    text = next(VERSIONS.glob("*_task_bars__*.py")).read_text(encoding="utf-8")
    return text.split("down_revision = '", 1)[1].split("'", 1)[0]


def _requests() -> None:
    """A trip at its manager's approval (the requester barred), a dealer at
    the director's (the regional manager who approved the same stage barred
    too) and a contract's order at the office's check (its maker barred)."""
    from app.demo.master_data import load_demo_master_data
    from app.demo.organisation import load_demo_organisation
    from app.services import deployment

    load_demo_organisation()
    deployment.deploy(deployment.files_from_paths(list(deployment.DEFAULT_DIRS)))
    load_demo_master_data()
    db.session.commit()
    sales = FlowDriver(find_user)
    sales.start("travel_request", TRIP, "rep_north1")
    dealer = sales.start("dealer_onboarding", PROSPECT, "rep_east2")
    sales.complete(dealer, "Task_FillEvaluation", "rep_east2", EVALUATION)
    sales.complete(dealer, "Task_RegionalManagerReview", "rm_east", RECHECK)
    scan = save_bytes("contract.pdf", "application/pdf", b"%PDF-1.4 signed contract")
    customer = db.session.scalar(sa.text("SELECT code FROM customer ORDER BY id LIMIT 1"))
    contract = sales.start("contract_shipment", {
        "customer": customer, "contract_no": "HT-TB", "contract_amount": 30000.0, "payment_days": 30,
        "price_terms": "执行公司标准价", "payment_terms": "货到30天付款", "valid_from": "2026-11-01",
        "valid_to": "2027-11-01", "lines": [{"material": "MTR001", "qty": 2}], "contract_file": scan}, REP)
    approve_contract(sales, contract)
    make_order(sales, contract)
    db.session.commit()


def _bars() -> list[tuple]:
    return [tuple(row) for row in db.session.execute(sa.select(
        TaskBar.task_id, TaskBar.user_id, TaskBar.instance_id, TaskBar.reason).order_by(TaskBar.task_id, TaskBar.user_id))]


def test_the_upgrade_fills_the_bars_as_the_commands_did(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'bars.db'}", "SECRET_KEY": "x",
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "ATTACHMENTS_DIR": str(tmp_path / "files")})
    clock.set_clock(app, FrozenClock(FROZEN_AT))
    with app.app_context():
        flask_migrate.upgrade()
        _requests()
        written = _bars()
        assert {reason for *_, reason in written} == {"requester", "approver", "maker"}, written
        db.session.remove()
        flask_migrate.downgrade(revision=_revision_before())
        assert "task_bar" not in sa.inspect(db.engine).get_table_names()
        flask_migrate.upgrade()
        assert _bars() == written
