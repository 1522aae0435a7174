"""The migration that brings the auditors' summary fills it for the
instances already there exactly as the commands would have: the rows the
commands wrote are dropped with the table, and the upgrade writes them
again, equal column for column."""
import flask_migrate
import sqlalchemy as sa

from app import clock, create_app
from app.audit.chain import record_instance_event
from app.extensions import db
from app.models import Customer, InstanceSummary
from app.services import instances
from app.services.accounts import find_user
from app.services.attachments import save_bytes
from app.services.instance_summaries import refresh_summary
from tests.support.contract_shipment import DEALER, MAIL, REP, approve_contract, make_order
from tests.support.flow_driver import FlowDriver
from tests.support.frozen_clock import FROZEN_AT, FrozenClock
from tests.support.samples import TRIP

BEFORE = "3b7e9d1a4c62"  # the revision before instance_summary


def _requests():
    """A contract, a mail-order contract released over its credit limit, a
    promotion cancelled by the process admin and a trip that failed once."""
    from app.demo.master_data import load_demo_master_data
    from app.demo.organisation import load_demo_organisation
    from app.services import deployment

    load_demo_organisation()
    deployment.deploy(deployment.files_from_paths(list(deployment.DEFAULT_DIRS)))
    load_demo_master_data()
    db.session.commit()
    sales = FlowDriver(find_user)
    scan = save_bytes("contract.pdf", "application/pdf", b"%PDF-1.4 signed contract")

    def code(name):
        return db.session.scalar(sa.select(Customer.code).where(Customer.name == name))

    def contract(customer, amount):
        return {"customer": code(customer), "contract_no": "HT-BF", "contract_amount": amount, "payment_days": 30,
                "price_terms": "执行公司标准价", "payment_terms": "货到30天付款", "valid_from": "2026-11-01",
                "valid_to": "2027-11-01", "lines": [{"material": "MTR001", "qty": 2}], "contract_file": scan}

    sales.start("contract_shipment", contract(DEALER, 480000.0), REP, business_key="HT-BIG")
    held = sales.start("contract_shipment", contract(MAIL, 30000.0), REP)
    approve_contract(sales, held)
    make_order(sales, held)
    sales.complete(held, "Task_CreditHoldDecision", "director", {"credit_action": "release", "reason": "款已在途"})
    promo = sales.start("promotion_expense", {"expense_type": "exhibition", "amount": 5000, "customer": code(DEALER),
                                              "purpose": "展会"}, "rep_east2")
    instances.cancel_instance(promo.id, find_user("process_admin"), reason="重复申请")
    trip = sales.start("travel_request", TRIP, "rep_north1")
    record_instance_event(trip, "error", data={"message": "injected"})
    refresh_summary(trip)
    db.session.commit()


def _summaries() -> list[dict]:
    columns = [column.key for column in InstanceSummary.__table__.columns]
    return [{name: getattr(row, name) for name in columns}
            for row in db.session.scalars(sa.select(InstanceSummary).order_by(InstanceSummary.instance_id))]


def test_the_upgrade_fills_the_summary_as_the_commands_did(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'backfill.db'}", "SECRET_KEY": "x",
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "ATTACHMENTS_DIR": str(tmp_path / "files")})
    clock.set_clock(app, FrozenClock(FROZEN_AT))
    with app.app_context():
        flask_migrate.upgrade()
        _requests()
        written = _summaries()
        assert len(written) == 4 and [(r["exception"], r["admin_action"], r["error"]) for r in written] == [
            (False, False, False), (True, False, False), (False, True, False), (False, False, True)]
        db.session.remove()
        flask_migrate.downgrade(revision=BEFORE)
        assert "instance_summary" not in sa.inspect(db.engine).get_table_names()
        flask_migrate.upgrade()
        assert _summaries() == written
        db.session.remove()
        db.engine.dispose()
