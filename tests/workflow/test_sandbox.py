"""The restricted environment refuses sandbox escapes and still runs the
expressions and scripts real diagrams use.

Every escape payload is written so that, if the escape worked, it would create
a canary file in ``tmp_path``. The sandbox test asserts the payload raised and
the canary does not exist; a control test runs the *armed* payloads through
SpiffWorkflow's stock ``TaskDataEnvironment`` and asserts the canary DOES
appear, so a payload that could never have fired would be noticed.
"""
import shlex
import time
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from xml.sax.saxutils import escape as xml_escape

import pytest
from lxml import etree
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import TaskDataEnvironment
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

from app.workflow import sandbox
from app.workflow.sandbox import RestrictedEnvironment, UnsafeExpression, check_expression

CANARY = "CANARY"  # replaced by repr() of the canary path
WRITE = "open(CANARY, 'w').close()"
SUBCLASS_WALK = "[c for c in {base}.__subclasses__() if c.__name__ == '_wrap_close'][0]"


@dataclass(frozen=True)
class Escape:
    id: str
    mode: str  # "eval" (conditions, parameters, timers, DMN) or "exec" (scripts)
    source: str
    stage: str  # "compile": check_expression reports it; "run": a guard/NameError stops it
    armed: bool = True  # proven by the control test to fire without the sandbox


ESCAPES = [
    Escape("dunder-import", "eval", f"__import__('builtins').{WRITE}", "compile"),
    Escape("import-statement", "exec", f"import builtins\nbuiltins.{WRITE}", "compile"),
    Escape("from-import", "exec", "from builtins import open as o\no(CANARY, 'w').close()", "compile"),
    Escape("import-in-function", "exec", f"def f():\n    import builtins\n    builtins.{WRITE}\nf()", "compile"),
    Escape("open-write", "eval", WRITE, "run"),
    Escape("open-etc-passwd", "eval",
           f"(lambda f: (f.read(), f.close(), {WRITE}))(open('/etc/passwd'))", "run"),
    Escape("subclasses-walk", "eval",
           SUBCLASS_WALK.format(base="().__class__.__base__")
           + f".__init__.__globals__['__builtins__']['open'](CANARY, 'w').close()", "compile"),
    Escape("mro-walk", "eval",
           SUBCLASS_WALK.format(base="[].__class__.__mro__[-1]")
           + ".__init__.__globals__['__builtins__']['open'](CANARY, 'w').close()", "compile"),
    Escape("lambda-globals", "eval", "(lambda: 0).__globals__['__builtins__']['open'](CANARY, 'w').close()",
           "compile"),
    Escape("function-builtins", "exec", "def f():\n    pass\nf.__builtins__['open'](CANARY, 'w').close()", "compile"),
    Escape("function-code-swap", "exec",
           f"def g():\n    {WRITE}\ndef f():\n    pass\nf.__code__ = g.__code__\nf()", "compile"),
    Escape("generator-gi-frame", "eval", "(x for x in [1]).gi_frame.f_builtins['open'](CANARY, 'w').close()",
           "compile"),
    Escape("generator-frame-globals", "exec",
           "def walk():\n    yield 1\nframe = walk().gi_frame\n"
           "frame.f_globals['__builtins__']['open'](CANARY, 'w').close()", "compile"),
    Escape("coroutine-cr-frame", "exec",
           "async def f():\n    pass\nc = f()\nc.cr_frame.f_builtins['open'](CANARY, 'w').close()\nc.close()",
           "compile"),
    Escape("traceback-tb-frame", "exec",
           "try:\n    1 / 0\nexcept ZeroDivisionError as e:\n"
           "    e.__traceback__.tb_frame.f_builtins['open'](CANARY, 'w').close()", "compile"),
    Escape("reduce-ex", "eval", "[].__reduce_ex__(2)[0].__globals__['__builtins__']['open'](CANARY, 'w').close()",
           "compile"),
    Escape("dunder-dict", "eval", "(lambda: 0).__dict__", "compile", armed=False),
    Escape("fstring-dunder", "eval", "f\"{(lambda: 0).__builtins__['open'](CANARY, 'w').close()}\"", "compile"),
    # NFKC: the parser folds fullwidth letters into ASCII before anyone checks.
    Escape("fullwidth-dunder", "eval", "(lambda: 0).__\uff42uiltins__['open'](CANARY, 'w').close()", "compile"),
    # Format strings can only read attributes, never call: refused, not armed.
    Escape("str-format", "eval", "'{0.__class__.__base__}'.format(1)", "compile", armed=False),
    Escape("str-format-map", "eval", "'{x.__globals__}'.format_map({'x': lambda: 0})", "compile", armed=False),
    Escape("str-format-unbound", "eval", "str.format('{0.__class__}', 1)", "compile", armed=False),
    Escape("str-mro", "eval", "str.mro()[-1]", "compile", armed=False),
    Escape("getattr", "eval", "getattr(lambda: 0, '__builtins__')['open'](CANARY, 'w').close()", "run"),
    Escape("vars", "eval", "vars()['__builtins__']['open'](CANARY, 'w').close()", "run"),
    Escape("globals", "eval", "globals()['__builtins__']['open'](CANARY, 'w').close()", "run"),
    Escape("locals", "eval", "locals()['__builtins__']['open'](CANARY, 'w').close()", "run"),
    Escape("builtins-eval", "eval", "__builtins__['eval'](\"open(%r, 'w').close()\" % CANARY)", "compile"),
    Escape("eval", "eval", "eval(\"open(%r, 'w').close()\" % CANARY)", "compile"),
    Escape("exec", "exec", "exec(\"open(%r, 'w').close()\" % CANARY)", "compile"),
    Escape("compile-and-call", "exec",
           "code = compile(\"open(%r, 'w').close()\" % CANARY, 'x', 'eval')\n"
           "f = lambda: 0\nsetattr(f, '__co' + 'de__', code)\nf()", "run"),
    Escape("type-three-args", "eval", f"type('X', (), {{'go': lambda self: {WRITE}}})().go()", "run"),
    Escape("metaclass", "exec",
           f"class Meta(type):\n    def __call__(cls):\n        {WRITE}\nclass A(metaclass=Meta):\n    pass\nA()",
           "compile"),
    Escape("class-statement", "exec", f"class A:\n    def go(self):\n        {WRITE}\nA().go()", "run"),
    Escape("object-subclasses", "eval", "object.__subclasses__()", "compile", armed=False),
    Escape("setattr", "exec",
           f"f = lambda: None\ng = lambda: {WRITE}\nsetattr(f, '__co' + 'de__', getattr(g, '__co' + 'de__'))\nf()",
           "run"),
    Escape("delattr", "exec", "delattr(Decimal, 'adjusted')", "run", armed=False),
    Escape("breakpoint", "eval", "breakpoint()", "compile", armed=False),
    Escape("help", "eval", "help()", "run", armed=False),
    Escape("input", "eval", "input()", "run", armed=False),
    Escape("decimal-module", "eval", "Decimal.__module__", "compile", armed=False),
    Escape("datetime-class", "eval", "datetime.__class__.__subclasses__(datetime.__class__)", "compile", armed=False),
    Escape("guard-rebinding", "exec", "_getattr_ = lambda obj, name: 0", "compile", armed=False),
    Escape("try-star", "exec", "try:\n    1 / 0\nexcept* ZeroDivisionError:\n    pass", "compile", armed=False),
    Escape("print", "exec", "print(1)", "compile", armed=False),
    # Resource exhaustion: these would take the worker down, so never armed.
    Escape("huge-range", "eval", "list(range(10**9))", "run", armed=False),
    Escape("huge-range-loop", "exec", "n = 0\nfor i in range(10**12):\n    n += 1", "run", armed=False),
    Escape("huge-power", "eval", "10**10**10", "run", armed=False),
    Escape("huge-repeat", "eval", "'x' * 10**10", "run", armed=False),
    Escape("huge-list-repeat", "eval", "[0] * 10**10", "run", armed=False),
    Escape("huge-shift", "eval", "1 << 10**10", "run", armed=False),
    Escape("huge-inplace-power", "exec", "n = 10\nn **= 10**8", "run", armed=False),
    # A submitted form can carry Decimal("1e999999"): int() of it is ~30 s CPU.
    Escape("huge-decimal-int", "eval", "int(huge) > 0", "run", armed=False),
    Escape("huge-decimal-round", "eval", "round(huge) > 0", "run", armed=False),
    Escape("huge-decimal-percent", "eval", "'%d' % huge", "run", armed=False),
]

TASK_DATA = {"amount": 5, "huge": Decimal("1e999999")}


def _arm(escape, tmp_path):
    canary = tmp_path / "canary"
    return escape.source.replace(CANARY, repr(str(canary))), canary


def _run(environment, mode, source, context):
    if mode == "eval":
        return environment.evaluate(source, context)
    return environment.execute(source, context, {})


def test_corpus_is_large_and_unique():
    assert len(ESCAPES) >= 25
    assert len({e.id for e in ESCAPES}) == len(ESCAPES)


@pytest.mark.parametrize("escape", ESCAPES, ids=lambda e: e.id)
def test_escape_is_refused_and_never_executes(escape, tmp_path):
    source, canary = _arm(escape, tmp_path)
    problems = check_expression(source, escape.mode)
    if escape.stage == "compile":
        assert problems, "the deploy-time lint must already report this"
    else:
        assert problems == []

    context = dict(TASK_DATA)
    started = time.monotonic()
    with pytest.raises(Exception) as raised:
        _run(RestrictedEnvironment(), escape.mode, source, context)
    assert time.monotonic() - started < 2, "refusals must be immediate, not after the damage"
    if escape.stage == "compile":
        assert isinstance(raised.value, UnsafeExpression)
        assert raised.value.message and raised.value.lineno is not None
    assert not canary.exists()
    assert list(tmp_path.iterdir()) == []
    assert set(context) <= {*TASK_DATA, "n", "f", "g", "code"}, "no guard or builtin left in task data"


@pytest.mark.parametrize("escape", [e for e in ESCAPES if e.armed], ids=lambda e: e.id)
def test_control_armed_escape_fires_without_the_sandbox(escape, tmp_path):
    """Without the sandbox the same payload really writes the canary."""
    source, canary = _arm(escape, tmp_path)
    _run(TaskDataEnvironment(), escape.mode, source, dict(TASK_DATA))
    assert canary.exists()


def test_task_data_cannot_replace_guards_or_builtins(tmp_path):
    canary = tmp_path / "canary"
    context = {"_getattr_": "data", "_write_": "data", "__builtins__": {"open": open}}
    with pytest.raises(NameError):
        RestrictedEnvironment().evaluate(f"open({str(canary)!r}, 'w')", context)
    assert RestrictedEnvironment().evaluate("(7).real", dict(context)) == 7
    RestrictedEnvironment().execute("y = 1", context, {})
    assert context == {"_getattr_": "data", "_write_": "data", "__builtins__": {"open": open}, "y": 1}
    assert not canary.exists()


@pytest.mark.parametrize(
    ("expression", "data", "expected"),
    [
        ("1 + 2 * 3 - 4 / 2", {}, 5.0),
        ("amount > 1000 and level == 'staff'", {"amount": 1500, "level": "staff"}, True),
        ("amount > 1000 and level == 'staff'", {"amount": 1500, "level": "manager"}, False),
        ("1 < amount <= 10 or amount != amount", {"amount": 10}, True),
        ("order['lines'][1]['qty'] * order['price']", {"order": {"lines": [{"qty": 1}, {"qty": 3}], "price": 2}}, 6),
        ("order.get('missing', 'n/a')", {"order": {}}, "n/a"),
        ("Decimal('0.10') + Decimal('0.20') == Decimal('0.30')", {}, True),
        ("(price * qty).quantize(Decimal('0.01'))", {"price": Decimal("19.995"), "qty": 2}, Decimal("39.99")),
        ("len(items) + max(items) + min(items) + sum(items)", {"items": [3, 1, 2]}, 13),
        ("sorted(items, reverse=True)[:2]", {"items": [3, 1, 2]}, [3, 2]),
        ("round(abs(-2.567), 2)", {}, 2.57),
        ("any(x > 2 for x in items) and all(x > 0 for x in items)", {"items": [1, 3]}, True),
        ("[i * 2 for i in range(3)]", {}, [0, 2, 4]),
        ("dict(zip(['a', 'b'], [1, 2]))", {}, {"a": 1, "b": 2}),
        ("list(enumerate('ab'))", {}, [(0, "a"), (1, "b")]),
        ("'x' * 3 + str(2 ** 10) + region.upper()", {"region": "east"}, "xxx1024EAST"),
        ("int('7') + float('0.5') + bool(1) + len(set([1, 1]) | {2}) + len(tuple([1]))", {}, 11.5),
        ("date(2024, 1, 31) + timedelta(days=1)", {}, date(2024, 2, 1)),
        ("(datetime(2024, 1, 1) + timedelta(hours=48)).isoformat()", {}, "2024-01-03T00:00:00"),
        ("'%s-%03d' % (prefix, n)", {"prefix": "SO", "n": 7}, "SO-007"),
        ("int(Decimal('12.7')) + round(Decimal('2.5')) + round(2.567, 1) + n % 4", {"n": 7}, 19.6),
        ("f'{prefix}-{n:03d}'", {"prefix": "SO", "n": 7}, "SO-007"),
        ('"PT48H"', {}, "PT48H"),
    ],
)
def test_business_expressions_evaluate(expression, data, expected):
    assert check_expression(expression) == []
    assert RestrictedEnvironment().evaluate(expression, data) == expected


def test_script_assignments_land_in_task_data_and_helpers_do_not():
    context = {"amount": 1200, "lines": [{"qty": 2, "price": Decimal("5")}]}
    script = (
        "def line_total(line):\n"
        "    return line['qty'] * line['price']\n"
        "total = sum(line_total(l) for l in lines)\n"
        "level = 'manager' if amount > 1000 else 'staff'\n"
        "first, second = 1, 2\n"
        "counter = 0\n"
        "for i in range(3):\n"
        "    counter += i\n"
        "notes = []\n"
        "notes.append('checked')\n"
        "lines[0]['checked'] = True\n"
        "keep_callable = len\n"
    )
    assert RestrictedEnvironment().execute(script, context, {}) is True
    assert context == {
        "amount": 1200,
        "lines": [{"qty": 2, "price": Decimal("5"), "checked": True}],
        "total": Decimal("10"),
        "level": "manager",
        "first": 1,
        "second": 2,
        "counter": 3,
        "i": 2,  # loop variables are top-level assignments too, as in plain Python
        "notes": ["checked"],
    }


def test_external_context_and_environment_globals_are_visible_but_not_kept():
    def vat(amount):
        return amount * Decimal("0.13")

    environment = RestrictedEnvironment(environment_globals={"vat": vat})
    context = {"amount": Decimal("100")}
    environment.execute("tax = vat(amount) + bonus", context, {"bonus": 1})
    assert context == {"amount": Decimal("100"), "tax": Decimal("14.00")}
    assert environment.evaluate("vat(amount) > dmninputexpr", context, {"dmninputexpr": 1}) is True
    with pytest.raises(ValueError, match="vat"):
        environment.execute("x = 1", {"vat": 3}, {})


def test_attribute_writes_on_non_containers_are_refused():
    with pytest.raises(TypeError):
        RestrictedEnvironment().execute("d = Decimal(1)\nd.x = 1", {}, {})


def test_errors_carry_message_and_line():
    with pytest.raises(UnsafeExpression) as raised:
        RestrictedEnvironment().execute("a = 1\nb = 2\nc = ().__class__", {}, {})
    assert raised.value.lineno == 3
    assert "__class__" in raised.value.message
    with pytest.raises(UnsafeExpression) as raised:
        RestrictedEnvironment().evaluate("amount >", {"amount": 1})
    assert raised.value.lineno == 1 and "SyntaxError" in raised.value.message
    with pytest.raises(UnsafeExpression):
        RestrictedEnvironment().evaluate(None, {})


def test_check_expression_reports_without_running(tmp_path):
    canary = tmp_path / "canary"
    assert check_expression(f"open({str(canary)!r}, 'w').close()") == []
    assert check_expression("x = 1\ny = (", "exec")[0].startswith("Line 2:")
    assert check_expression("x = 1", "eval")  # a statement is not an expression
    assert check_expression("a.__class__ or b._secret") == [
        'Line 1: "__class__" is an invalid attribute name because it starts with "_".',
        'Line 1: "_secret" is an invalid attribute name because it starts with "_".',
    ]
    assert check_expression("1\x00") and check_expression(42) and check_expression(["x"])
    with pytest.raises(ValueError):
        check_expression("1", "single")
    assert not canary.exists()


def test_compiled_code_is_cached_by_source():
    source = "amount * 3 > 7  # cache probe"
    before = sandbox._compile_cached.cache_info().hits
    environment = RestrictedEnvironment()
    for amount in range(5):
        environment.evaluate(source, {"amount": amount})
    assert sandbox._compile_cached.cache_info().hits - before >= 4


# --- through SpiffWorkflow ---------------------------------------------------

DIAGRAM = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    id="defs" targetNamespace="http://example.com/lanes">
  <bpmn:process id="route" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:scriptTask id="prepare"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:script>total = amount * 2
level = "staff"
def helper(x):
    return x
</bpmn:script></bpmn:scriptTask>
    <bpmn:exclusiveGateway id="gw" default="f_small">
      <bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f_big</bpmn:outgoing><bpmn:outgoing>f_small</bpmn:outgoing>
    </bpmn:exclusiveGateway>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="prepare"/>
    <bpmn:sequenceFlow id="f2" sourceRef="prepare" targetRef="gw"/>
    <bpmn:sequenceFlow id="f_big" sourceRef="gw" targetRef="big">
      <bpmn:conditionExpression>CONDITION</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f_small" sourceRef="gw" targetRef="small"/>
    <bpmn:scriptTask id="big"><bpmn:incoming>f_big</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>
      <bpmn:script>route = "big"</bpmn:script></bpmn:scriptTask>
    <bpmn:scriptTask id="small"><bpmn:incoming>f_small</bpmn:incoming><bpmn:outgoing>f4</bpmn:outgoing>
      <bpmn:script>route = "small"</bpmn:script></bpmn:scriptTask>
    <bpmn:sequenceFlow id="f3" sourceRef="big" targetRef="end"/>
    <bpmn:sequenceFlow id="f4" sourceRef="small" targetRef="end"/>
    <bpmn:endEvent id="end"><bpmn:incoming>f3</bpmn:incoming><bpmn:incoming>f4</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>
"""


def _start(condition, amount, engine):
    parser = SpiffBpmnParser()
    xml = DIAGRAM.replace("CONDITION", xml_escape(condition)).encode()
    parser.add_bpmn_xml(etree.fromstring(xml).getroottree(), filename="route.bpmn")
    workflow = BpmnWorkflow(parser.get_spec("route"), script_engine=engine)
    for task in workflow.get_tasks():
        task.data["amount"] = amount
    workflow.do_engine_steps()
    return workflow


@pytest.mark.parametrize(("amount", "route"), [(600, "big"), (400, "small")])
def test_gateway_condition_and_scripts_run_in_the_sandbox(amount, route):
    engine = PythonScriptEngine(environment=RestrictedEnvironment())
    workflow = _start("total > 1000 and level == 'staff'", amount, engine)
    assert workflow.is_completed()
    assert workflow.data == {"amount": amount, "total": amount * 2, "level": "staff", "route": route}


def test_malicious_gateway_condition_errors_and_never_runs(tmp_path):
    canary = tmp_path / "canary"
    condition = f"__import__('os').system({'touch ' + shlex.quote(str(canary))!r}) == 0"
    engine = PythonScriptEngine(environment=RestrictedEnvironment())
    with pytest.raises(WorkflowTaskException) as raised:
        _start(condition, 600, engine)
    assert raised.value.task.task_spec.name == "gw"
    assert raised.value.error_type == "UnsafeExpression"
    assert isinstance(raised.value.__context__, UnsafeExpression)
    assert not canary.exists()

    # Control: SpiffWorkflow's default engine really runs it.
    _start(condition, 600, PythonScriptEngine())
    assert canary.exists()
