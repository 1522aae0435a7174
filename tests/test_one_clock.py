"""One clock: nothing in app/ but app/clock.py reads the system time or date
(Python's or the database's), so a frozen or faked clock governs every
document date, timer and column default, and the business date is always the
date in BUSINESS_TIMEZONE."""
import ast
import re
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[1] / "app"
THE_CLOCK = APP / "clock.py"

# Fully qualified names whose use reads the system clock.
PYTHON_CLOCKS = {
    "datetime.datetime.now", "datetime.datetime.utcnow", "datetime.datetime.today", "datetime.date.today",
    "time.time", "time.time_ns", "time.localtime", "time.gmtime", "time.ctime", "time.asctime",
}
# The database's own clock (func.now(), CURRENT_TIMESTAMP in a server default or in SQL text).
SQL_CLOCKS = {"now", "current_timestamp", "current_date", "current_time", "localtime", "localtimestamp", "sysdate",
              "statement_timestamp", "clock_timestamp", "transaction_timestamp", "timeofday"}
SQL_CLOCK_TEXT = re.compile(r"\b(?:current_timestamp|current_date|current_time|localtimestamp|sysdate)\b|\bnow\s*\(\s*\)",
                            re.IGNORECASE)


class _ClockReads(ast.NodeVisitor):
    """Resolves names through the module's imports (aliases included) and
    collects every use of a system clock, called or passed as a default."""

    def __init__(self):
        self.aliases: dict[str, str] = {}
        self.found: list[tuple[int, str]] = []
        self.docstrings: set[int] = set()

    def visit_Import(self, node):
        for name in node.names:
            self.aliases[name.asname or name.name.split(".")[0]] = name.name if name.asname else name.name.split(".")[0]

    def visit_ImportFrom(self, node):
        for name in node.names:
            self.aliases[name.asname or name.name] = f"{node.module}.{name.name}"
            if f"{node.module}.{name.name}" in PYTHON_CLOCKS:
                self.found.append((node.lineno, f"from {node.module} import {name.name}"))

    def _dotted(self, node) -> str | None:
        if isinstance(node, ast.Name):
            return self.aliases.get(node.id, node.id)
        if isinstance(node, ast.Attribute):
            base = self._dotted(node.value)
            return f"{base}.{node.attr}" if base else None
        return None

    def visit_Attribute(self, node):
        dotted = self._dotted(node)
        if dotted in PYTHON_CLOCKS:
            self.found.append((node.lineno, dotted))
        elif dotted and node.attr.lower() in SQL_CLOCKS and dotted.split(".")[-2] == "func":
            self.found.append((node.lineno, f"func.{node.attr} (the database's clock)"))
        else:
            self.generic_visit(node)

    def _note_docstring(self, node):
        body = getattr(node, "body", [])
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            self.docstrings.add(id(body[0].value))

    def generic_visit(self, node):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            self._note_docstring(node)
        super().generic_visit(node)

    def visit_Constant(self, node):
        if isinstance(node.value, str) and id(node) not in self.docstrings and SQL_CLOCK_TEXT.search(node.value):
            self.found.append((node.lineno, f"SQL clock in text {node.value!r}"))


def clock_reads(source: str) -> list[tuple[int, str]]:
    """(line, what) for every direct read of a system clock in ``source``."""
    visitor = _ClockReads()
    visitor.visit(ast.parse(source))
    return visitor.found


def test_nothing_in_app_reads_the_system_clock_but_app_clock():
    offenders = [f"{path.relative_to(APP.parent)}:{line}: {what}"
                 for path in sorted(APP.rglob("*.py")) if path != THE_CLOCK
                 for line, what in clock_reads(path.read_text(encoding="utf-8"))]
    assert not offenders, "read app.clock.now() / app.clock.today() instead:\n" + "\n".join(offenders)


def test_the_clock_module_is_where_the_system_clock_is_read():
    assert clock_reads(THE_CLOCK.read_text(encoding="utf-8")), "the scanner no longer sees app/clock.py's own read"


@pytest.mark.parametrize("planted", [
    "from datetime import datetime\nx = datetime.now()",
    "from datetime import datetime, timezone\nx = datetime.now(timezone.utc)",
    "import datetime\nx = datetime.datetime.utcnow()",
    "import datetime as dt\nx = dt.date.today()",
    "from datetime import date as d\nx = d.today()",
    "from datetime import datetime\ncolumn(default=datetime.now)",
    "import time\nx = time.time()",
    "from time import time\nx = time()",
    "from sqlalchemy import func\ncolumn(server_default=func.now())",
    "import sqlalchemy as sa\nx = sa.func.current_date()",
    "column(server_default='CURRENT_TIMESTAMP')",
    "db.session.execute(text('select now()'))",
])
def test_the_scanner_finds_a_planted_clock_read(planted):
    assert clock_reads(planted), planted


@pytest.mark.parametrize("innocent", [
    "from app import clock\nx = clock.now()",
    "from app.ledger.journal import today\nx = today()",
    "from datetime import date\nx = date(2026, 1, 1).isoformat()",
    '"""Never call datetime.now() or CURRENT_TIMESTAMP here."""',
    "def f():\n    'docstring naming now() and date.today()'\n    return 1",
])
def test_the_scanner_leaves_platform_clock_reads_alone(innocent):
    assert clock_reads(innocent) == []


def test_the_business_date_is_the_date_in_the_business_timezone(ctx, frozen_clock):
    from app import clock
    from app.ledger import journal

    frozen_clock.now = datetime(2026, 12, 31, 16, 30, tzinfo=timezone.utc)  # 2027-01-01 00:30 in Shanghai
    assert (clock.today(), journal.today(), clock.now().date()) == (date(2027, 1, 1), date(2027, 1, 1), date(2026, 12, 31))
    ctx.config["BUSINESS_TIMEZONE"] = "UTC"
    try:
        assert clock.today() == date(2026, 12, 31)
    finally:
        ctx.config["BUSINESS_TIMEZONE"] = "Asia/Shanghai"


def test_every_test_starts_on_the_frozen_clock(ctx):
    from app import clock

    assert clock.now() == datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc) and clock.today() == date(2026, 12, 1)


def test_column_defaults_and_diagram_dates_use_the_platform_clock(ctx, frozen_clock):
    from app.extensions import db
    from app.models import MaterialClass
    from app.workflow.engine import _CLOCKED_GLOBALS

    frozen_clock.now = datetime(2026, 12, 31, 16, 30, tzinfo=timezone.utc)  # 2027-01-01 00:30 in Shanghai
    node = MaterialClass(code="CLOCK", name="时钟")
    db.session.add(node)
    db.session.flush()
    assert node.created_at == frozen_clock.now
    assert _CLOCKED_GLOBALS["date"].today() == date(2027, 1, 1)
    assert _CLOCKED_GLOBALS["datetime"].now() == datetime(2026, 12, 31, 16, 30)


def test_the_demo_follows_the_business_date_into_any_year(org, cli, frozen_clock):
    from sqlalchemy import select

    from app.extensions import db
    from app.models import Contract, Invoice, StockMovement
    from app.demo.master_data import load_demo_master_data

    frozen_clock.now = datetime(2027, 12, 31, 16, 30, tzinfo=timezone.utc)  # 2028-01-01 00:30 in Shanghai
    load_demo_master_data()
    assert {(c.valid_from, c.valid_to) for c in db.session.scalars(select(Contract))} == {(date(2027, 1, 1), date(2029, 1, 1))}
    # the head company's two opening batches and the factory's one, named for the months before and of the year
    assert {m.batch_no[:5] for m in db.session.scalars(select(StockMovement))} == {"B2612", "B2701", "F2701"}
    result = cli.invoke(args=["ledger", "demo-month"])  # the default month: the one that just ended
    assert result.exit_code == 0 and "reconciliation ok" in result.output, result.output
    assert {i.invoice_date.isoformat()[:7] for i in db.session.scalars(select(Invoice))} == {"2027-12"}
