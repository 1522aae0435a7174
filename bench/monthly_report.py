"""The monthly sales report at 100,000 documents.

Fills a PostgreSQL database (it is wiped: schema public dropped) with the
demo organisation and master data, 2,000 more customers, 40,000 sales
orders of two lines, 40,000 posted shipping notes and 40,000 invoices of
two lines each and 20,000 receipts with their bank entries (100,000
documents, 180,000 document lines) over two years, and 1,000,000
human_task rows on 200,000 process instances, all by INSERT … SELECT
generate_series; fills the sales summary from them (the migration's
backfill); VACUUM ANALYZE; then times the whole report page's
queries (``report_monthly.monthly_page``: totals, by salesperson,
customer, region and series, the 12-month series, the targets; with a
filter, the unfiltered figures for the filter's choices too) and the
drill-down lines, for everyone, a regional manager and a rep.

Per query: p50 and p95 wall ms and CPU ms (this process plus the
PostgreSQL backend serving it, from /proc), over --runs runs after one warm-up.

    .venv/bin/python bench/monthly_report.py [--database-url postgresql://postgres@127.0.0.1:5432/lanes_monthly_bench]
                                             [--runs 20] [--keep [--refill-summary]]
"""
import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.audit_find import _app, _step  # noqa: E402

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/lanes_monthly_bench"
DOCS = {"orders": 40_000, "receipts": 20_000, "instances": 200_000, "tasks": 1_000_000}

QUERIES = [
    ("director, whole page", "director", {}),
    ("director, region 华南", "director", {"region": "华南"}),
    ("director, one salesperson", "director", {"salesperson": "rep_east1"}),
    ("director, one series", "director", {"series": "SERIES"}),
    ("director, one customer", "director", {"customer": "B00042"}),
    ("regional manager rm_east", "rm_east", {}),
    ("rep rep_east1", "rep_east1", {}),
]


def fill() -> None:
    from app.demo.master_data import load_demo_master_data
    from app.demo.organisation import load_demo_organisation
    from app.extensions import db
    from app.services import deployment

    load_demo_organisation()
    db.session.commit()
    deployment.deploy(deployment.files_from_paths(list(deployment.DEFAULT_DIRS)))
    load_demo_master_data()
    db.session.commit()
    _step("customers", """
        WITH reps AS (SELECT id, region, row_number() OVER (ORDER BY id) - 1 AS i FROM "user" WHERE username LIKE 'rep\\_%')
        INSERT INTO customer (code, name, customer_class, channel, region, salesperson_id, payment_days, credit_limit,
                              on_hold, active, created_at)
        SELECT 'B' || lpad(n::text, 5, '0'), '基准客户' || lpad(n::text, 4, '0') || '有限公司', '经销商', 'dealer',
               coalesce(r.region, '华东'), r.id, 30, 100000, false, true, now()
        FROM generate_series(1, 2000) AS n JOIN reps r ON r.i = n % (SELECT count(*) FROM reps)""")
    # Orders over 2025-2026, each of two materials; region and rep of the customer.
    _step("sales_order", """
        WITH c AS (SELECT id, region, salesperson_id, row_number() OVER (ORDER BY id) - 1 AS i FROM customer)
        INSERT INTO sales_order (id, number, kind, customer_id, salesperson_id, region, order_date, status, currency,
                                 exchange_rate, net, tax, gross, source_key, created_at)
        SELECT g, 'SO-B' || g, 'blue', c.id, c.salesperson_id, c.region, date '2025-01-01' + (g % 730), 'approved',
               'CNY', 1, 1000, 130, 1130, (g % 5000) || ':bench:' || g, now()
        FROM generate_series(1, :orders) g JOIN c ON c.i = (g * 31) % (SELECT count(*) FROM c)""", orders=DOCS["orders"])
    _step("sales_order_line", """
        WITH m AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS i FROM material)
        INSERT INTO sales_order_line (id, order_id, line_no, material_id, unit, qty, unit_price, tax_inclusive, priced,
                                      tax_rate, net, tax, gross, qty_delivered, qty_invoiced, qty_returned, qty_lost)
        SELECT o.id * 2 + l, o.id, l, m.id, '台', 4, 282.5, true, true, 0.13, 1000, 130, 565 * (1 + (o.id % 7)),
               4, 4, 0, 0
        FROM sales_order o CROSS JOIN generate_series(1, 2) l JOIN m ON m.i = (o.id + l) % (SELECT count(*) FROM m)""")
    _step("shipping_note", """
        INSERT INTO shipping_note (id, number, order_id, customer_id, ship_date, status, posted_date, source_key, created_at)
        SELECT o.id, 'SN-B' || o.id, o.id, o.customer_id, o.order_date, 'posted', o.order_date + 1,
               (o.id % 5000) || ':ship:' || o.id, now() FROM sales_order o""")
    _step("shipping_line", """
        INSERT INTO shipping_line (note_id, line_no, order_line_id, material_id, qty)
        SELECT l.order_id, l.line_no, l.id, l.material_id, CASE WHEN l.order_id % 4 = 0 THEN 3 ELSE 4 END
        FROM sales_order_line l""")
    _step("invoice", """
        INSERT INTO invoice (id, number, kind, customer_id, salesperson_id, region, invoice_date, due_date, currency,
                             exchange_rate, net, tax, gross, source_key, created_at)
        SELECT o.id, 'INV-B' || o.id, CASE WHEN o.id % 20 = 0 THEN 'red' ELSE 'blue' END, o.customer_id,
               o.salesperson_id, o.region, o.order_date + 3, o.order_date + 33, 'CNY', 1, 0, 0, 0,
               (o.id % 5000) || ':invoice:' || o.id, now() FROM sales_order o""")
    _step("invoice_line", """
        INSERT INTO invoice_line (invoice_id, line_no, order_line_id, material_id, material_class_id, qty, unit_price,
                                  tax_inclusive, tax_rate, net, tax, gross)
        SELECT l.order_id, l.line_no, l.id, l.material_id, m.class_id, 4, 282.5, true, 0.13, 0, 0,
               CASE WHEN l.order_id % 20 = 0 THEN -l.gross ELSE l.gross END
        FROM sales_order_line l JOIN material m ON m.id = l.material_id""")
    _step("receipt", """
        INSERT INTO receipt (id, number, customer_id, amount, receipt_date, kind, currency, salesperson_id, source_key,
                             created_at)
        SELECT g, 'RC-B' || g, o.customer_id, 500 + g % 3000, o.order_date + 20, 'receipt', 'CNY', o.salesperson_id,
               (g % 5000) || ':receipt:' || g, now()
        FROM generate_series(1, :receipts) g JOIN sales_order o ON o.id = g * 2""", receipts=DOCS["receipts"])
    _step("ledger_entry (bank)", """
        INSERT INTO ledger_entry (source_type, source_id, account, customer_id, salesperson_id, region, debit, credit,
                                  posting_date, created_at)
        SELECT 'receipt', r.id, '1002', r.customer_id, r.salesperson_id, c.region, r.amount, 0, r.receipt_date, now()
        FROM receipt r JOIN customer c ON c.id = r.customer_id""")
    _step("process_instance", """
        INSERT INTO process_instance (id, definition_id, process_key, status, state, data, engine_version, version,
                                      started_by_id, started_at, audit_seq, audit_head)
        SELECT g, d.id, d.key, 'completed', '', '{}', 'bench', 1, (SELECT min(id) FROM "user"),
               timestamptz '2025-01-01' + (g % 730) * interval '1 day', 0, repeat('0', 64)
        FROM generate_series(1, :instances) g CROSS JOIN (SELECT id, key FROM process_definition ORDER BY id LIMIT 1) d""",
          instances=DOCS["instances"])
    _step("human_task", """
        INSERT INTO human_task (instance_id, task_guid, element_id, name, form_key, candidate_role, is_approval, status,
                                default_escalation, created_at, completed_at)
        SELECT 1 + g % :instances, md5(g::text), 'Task_Bench', 'bench', 'approval.json', 'sales_admin', true, 'completed',
               false,
               timestamptz '2025-01-01' + (g % 730) * interval '1 day', timestamptz '2025-01-02' + (g % 730) * interval '1 day'
        FROM generate_series(1, :tasks) g""", instances=DOCS["instances"], tasks=DOCS["tasks"])
    for table in ("customer", "sales_order", "sales_order_line", "shipping_note", "shipping_line", "invoice",
                  "invoice_line", "receipt", "ledger_entry", "human_task"):
        _step(f"analyze {table}", f"ANALYZE {table}")
    fill_summary()


def fill_summary() -> None:
    """The sales summary from the documents, as the migration fills it."""
    import importlib.util

    from app.extensions import db

    path = next((Path(__file__).resolve().parents[1] / "migrations" / "versions").glob("*_sales_fact_summary__*.py"))
    spec = importlib.util.spec_from_file_location("sales_fact_summary", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    started = time.perf_counter()
    db.session.execute(db.text("DELETE FROM sales_fact_monthly"))
    db.session.execute(db.text("DELETE FROM sales_fact_daily"))
    migration.backfill(db.session.connection())
    db.session.commit()
    print(f"  sales summary filled in {time.perf_counter() - started:.1f} s", flush=True)
    for table in ("sales_fact_daily", "sales_fact_monthly"):
        _step(f"analyze {table}", f"ANALYZE {table}")


def _cpu_ms(pid: int) -> float:
    import os
    ticks = os.sysconf("SC_CLK_TCK")
    with open(f"/proc/{pid}/stat") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / ticks


def measure(runs: int) -> None:
    import os

    import sqlalchemy as sa

    from app.extensions import db
    from app.ledger.report_figures import series_of_classes
    from app.models import User
    from app.services import report_monthly

    backend = db.session.scalar(sa.text("SELECT pg_backend_pid()"))
    series = sorted(set(series_of_classes().values()))[0]
    print(f"{'query':40} {'p50 wall':>9} {'p95 wall':>9} {'p50 cpu':>8} {'p95 cpu':>8}  (ms)")
    for label, username, filters in QUERIES + [("drill-down lines, region 华南", "director", {"region": "华南"})]:
        user = db.session.scalar(sa.select(User).where(User.username == username))
        filters = {k: (series if v == "SERIES" else v) for k, v in filters.items()}
        lines = label.startswith("drill")
        walls, cpus = [], []
        for run in range(runs + 1):
            before_wall, before_cpu = time.perf_counter(), time.process_time() * 1000 + _cpu_ms(backend)
            if lines:
                report_monthly.monthly_document_lines(user, "2026-11", filters, None)
            else:
                report_monthly.monthly_page(user, "2026-11", filters)
            if run:
                walls.append((time.perf_counter() - before_wall) * 1000)
                cpus.append(time.process_time() * 1000 + _cpu_ms(backend) - before_cpu)
            db.session.rollback()
        q = lambda values, p: statistics.quantiles(values, n=100, method="inclusive")[p - 1]  # noqa: E731
        print(f"{label:40} {q(walls, 50):9.1f} {q(walls, 95):9.1f} {q(cpus, 50):8.1f} {q(cpus, 95):8.1f}", flush=True)
    del os


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--keep", action="store_true", help="measure the filled database again")
    parser.add_argument("--refill-summary", action="store_true",
                        help="with --keep: fill the sales summary again from the documents (a database filled before it)")
    args = parser.parse_args()
    app = _app(args.database_url, wipe=not args.keep)
    with app.app_context():
        if not args.keep:
            fill()
        else:
            import flask_migrate
            flask_migrate.upgrade()  # a database filled before the summary: the migration backfills it
            if args.refill_summary:
                fill_summary()
        measure(args.runs)


if __name__ == "__main__":
    main()
