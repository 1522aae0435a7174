"""Camunda 7 JUEL expressions (``${…}`` / ``#{…}``) translated into the
sandboxed Python the platform evaluates.

Only the part of JUEL whose meaning Python keeps exactly is translated:
variables and their properties (``a.b`` reads the key ``b`` of the dict
``a``), literals, ``== != < > <= >=`` and their word forms, ``&& || !`` and
``and or not``, arithmetic and ``empty``. Anything else (method calls such
as ``dateTime()``, the ternary, beans, ``[…]`` with expressions) raises
:class:`Untranslatable`: the importer reports it and leaves the original
text, which the deploy lint refuses, rather than guess."""
import keyword
import re

_WRAPPED = re.compile(r"^\s*[$#]\{(.*)\}\s*$", re.DOTALL)
_TOKEN = re.compile(r"""\s*(?:
    (?P<number>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
  | (?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
  | (?P<op>&&|\|\||==|!=|<=|>=|[<>!+\-*/%().\[\]?:,])
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
)""", re.VERBOSE)
_WORDS = {"and": "&&", "or": "||", "not": "!", "eq": "==", "ne": "!=", "lt": "<", "gt": ">",
          "le": "<=", "ge": ">=", "div": "/", "mod": "%"}
_LITERALS = {"true": "True", "false": "False", "null": "None"}
_LEVELS = [("||",), ("&&",), ("==", "!="), ("<", ">", "<=", ">="), ("+", "-"), ("*", "/", "%")]
_PYTHON = {"||": "or", "&&": "and"}


class Untranslatable(ValueError):
    """A JUEL expression uses something with no exact Python equivalent;
    the message says what."""


def is_expression(text: str | None) -> bool:
    """Whether ``text`` is a JUEL expression (``${…}`` or ``#{…}``)."""
    return bool(text) and bool(_WRAPPED.match(text))


def _tokens(source: str) -> list[tuple[str, str]]:
    out, at = [], 0
    while at < len(source):
        if source[at:].strip() == "":
            break
        match = _TOKEN.match(source, at)
        if not match:
            raise Untranslatable(f"cannot read {source[at:at + 20]!r}")
        kind = match.lastgroup
        value = match.group(kind)
        if kind == "name" and value in _WORDS:
            kind, value = "op", _WORDS[value]
        out.append((kind, value))
        at = match.end()
    return out


class _Parser:
    def __init__(self, tokens):
        self.tokens = tokens
        self.at = 0

    def peek(self):
        return self.tokens[self.at] if self.at < len(self.tokens) else (None, None)

    def take(self, value=None):
        kind, text = self.peek()
        if kind is None or (value is not None and text != value):
            raise Untranslatable(f"expected {value or 'more'} but found {text or 'the end'}")
        self.at += 1
        return kind, text

    def binary(self, level: int, outermost: bool = False) -> str:
        if level == len(_LEVELS):
            return self.unary()
        left = self.binary(level + 1, outermost)
        while self.peek()[0] == "op" and self.peek()[1] in _LEVELS[level]:
            operator = self.take()[1]
            right = self.binary(level + 1)
            left = f"{left} {_PYTHON.get(operator, operator)} {right}"
            if not (outermost and self.peek()[1] not in sum(_LEVELS[:level + 1], ())):
                left = f"({left})"
        return left

    def unary(self) -> str:
        kind, text = self.peek()
        if kind == "op" and text == "!":
            self.take()
            return f"(not {self.unary()})"
        if kind == "op" and text == "-":
            self.take()
            return f"(-{self.unary()})"
        if kind == "name" and text == "empty":
            self.take()
            operand = self.unary()
            return f"({operand} is None or {operand} in ('', [], {{}}))"
        return self.primary()

    def primary(self) -> str:
        kind, text = self.take()
        if kind == "number":
            return text
        if kind == "string":
            return repr(text[1:-1].replace("\\'", "'").replace('\\"', '"').replace("\\\\", "\\"))
        if kind == "op" and text == "(":
            inner = self.binary(0)
            self.take(")")
            return inner
        if kind != "name":
            raise Untranslatable(f"unexpected {text!r}")
        if text in _LITERALS:
            return _LITERALS[text]
        if keyword.iskeyword(text) or text.startswith("_"):
            raise Untranslatable(f"the name {text!r} cannot be a Python variable")
        result = text
        while self.peek() in (("op", "."), ("op", "[")):
            if self.take()[1] == ".":
                prop = self.take()
                if prop[0] != "name":
                    raise Untranslatable(f"unexpected {prop[1]!r} after '.'")
                if self.peek() == ("op", "("):
                    raise Untranslatable(f"the method call {prop[1]}() runs Java code")
                result = f"{result}[{prop[1]!r}]"
            else:
                index = self.take()
                if index[0] not in ("string", "number"):
                    raise Untranslatable("an index that is not a literal")
                self.take("]")
                result = f"{result}[{self.primary_literal(index)}]"
        if self.peek() == ("op", "("):
            raise Untranslatable(f"the function call {text}() runs Java code")
        return result

    @staticmethod
    def primary_literal(token) -> str:
        return token[1] if token[0] == "number" else repr(token[1][1:-1])


def juel_to_python(text: str) -> str:
    """The Python expression equivalent to the JUEL ``text`` (``${…}``).
    Raises Untranslatable when there is none the sandbox could run with
    the same meaning (the message says why)."""
    match = _WRAPPED.match(text or "")
    if not match:
        raise Untranslatable("not a ${…} expression")
    if text.strip().startswith("${") and "${" in match.group(1):
        raise Untranslatable("a composite expression")
    parser = _Parser(_tokens(match.group(1)))
    if not parser.tokens:
        raise Untranslatable("an empty expression")
    result = parser.binary(0)
    if parser.at != len(parser.tokens):
        raise Untranslatable(f"cannot translate {parser.peek()[1]!r} (ternaries and lambdas have no "
                             "exact equivalent)")
    return result
