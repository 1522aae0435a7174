"""Hardened parsing of uploaded BPMN and DMN files.

SpiffWorkflow parses with lxml's defaults, which expand internal entities and
(depending on the lxml version) external ones: an uploaded diagram with
``<!ENTITY x SYSTEM "file:///etc/passwd">`` could read server files (XXE), and
nested entities can expand a few bytes into gigabytes (billion laughs). So an
upload is parsed here first and the resulting tree is handed to the parser::

    tree = parse_untrusted_xml(upload.read(), upload.filename)
    parser.add_bpmn_xml(tree, filename=upload.filename)
    parser.add_dmn_xml(tree.getroot(), filename=...)   # DMN takes an element

Never call the parser's ``add_*_file``/``add_*_str``/``add_dmn_io`` on uploads:
they parse with lxml defaults.

Defences, in order: a size limit; only UTF-8/ASCII input (UTF-16, UTF-7 or
EBCDIC could hide ``<!DOCTYPE`` from a byte scan, and lxml honours a declared
UTF-7; a pure-ASCII document declaring an encoding that reads it the same,
such as ISO-8859-1, is accepted); a byte scan that refuses any ``<!DOCTYPE``/``<!ENTITY`` before lxml
sees the document; a parser with entity resolution, DTD loading and network
access off and the encoding forced to UTF-8; and a last check that the parsed
tree has no DTD. BPMN and DMN never need a DTD, so refusing them costs nothing.
"""
from __future__ import annotations

import io
import re

from lxml import etree

__all__ = ["MAX_XML_BYTES", "UnsafeXml", "parse_untrusted_xml"]

MAX_XML_BYTES = 5 * 1024 * 1024

# Case-insensitive and whitespace-tolerant on purpose: a false positive (the
# text inside a comment) only costs a clear refusal.
_DTD_MARKUP = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
# The declared encoding, if any, from the XML declaration at the very start.
_XML_DECL_ENCODING = re.compile(
    rb"^(?:\xef\xbb\xbf)?<\?xml[^>]*?\bencoding\s*=\s*([\"'])([A-Za-z0-9._-]+)\1"
)
_ACCEPTED_ENCODINGS = frozenset({"utf-8", "utf8", "us-ascii", "ascii"})
# First bytes of documents in encodings that are not ASCII-compatible: BOMs of
# UTF-16/32 and the "<?" of UTF-16/32/EBCDIC without a BOM (XML spec, F.1).
_FOREIGN_SIGNATURES = (
    b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff", b"\xff\xfe\x00\x00",
    b"\x00\x00\x00<", b"<\x00\x00\x00", b"\x00<\x00?", b"<\x00?\x00",
    b"\x4c\x6f\xa7\x94",
)


class UnsafeXml(Exception):
    """An uploaded XML document was refused: too large, not UTF-8, carrying a
    DTD/DOCTYPE/entity declaration, or not well-formed.

    ``message`` is human readable and starts with the file name; ``line`` is
    the 1-based line of the problem when known, else ``None``.
    """

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _new_parser() -> etree.XMLParser:
    # A fresh parser per document: lxml parsers are not thread-safe.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=False,
        encoding="utf-8",  # ignore the declaration: no UTF-7 smuggling
    )


def _check_encoding(data: bytes, filename: str) -> None:
    if data.startswith(_FOREIGN_SIGNATURES):
        raise UnsafeXml(f"{filename}: only UTF-8 documents are accepted", 1)
    declared = _XML_DECL_ENCODING.match(data)
    if declared and declared.group(2).decode("ascii").lower() not in _ACCEPTED_ENCODINGS:
        name = declared.group(2).decode("ascii")
        if not _reads_as_ascii(data, name):
            raise UnsafeXml(f"{filename}: encoding {name!r} is not accepted, save the file as UTF-8", 1)


def _reads_as_ascii(data: bytes, encoding: str) -> bool:
    """Whether a document declaring ``encoding`` holds only ASCII and reads
    the same in that encoding (ISO-8859-1, windows-1252, GBK do; UTF-7 does
    not): then parsing it as UTF-8 sees exactly what the author wrote."""
    try:
        return data.isascii() and data.decode(encoding) == data.decode("ascii")
    except (LookupError, UnicodeDecodeError):
        return False


def parse_untrusted_xml(data: bytes, filename: str) -> etree._ElementTree:
    """Parse an uploaded BPMN/DMN document safely and return its tree.

    ``filename`` is only used in messages. Raises ``UnsafeXml`` when the
    document is empty or larger than ``MAX_XML_BYTES``, is not UTF-8/ASCII,
    contains a DOCTYPE or ENTITY declaration (refused before parsing, so no
    entity is ever expanded or fetched), or is not well-formed (``line`` from
    lxml's error). Raises ``TypeError`` when ``data`` is not bytes.
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"data must be bytes, not {type(data).__name__}")
    data = bytes(data)
    if len(data) > MAX_XML_BYTES:
        raise UnsafeXml(f"{filename}: {len(data)} bytes is larger than the limit of {MAX_XML_BYTES} bytes")
    if not data.strip():
        raise UnsafeXml(f"{filename}: the document is empty", 1)
    _check_encoding(data, filename)

    marker = _DTD_MARKUP.search(data)
    if marker:
        kind = marker.group(1).decode("ascii").upper()
        raise UnsafeXml(
            f"{filename}: {kind} declarations are not allowed in BPMN/DMN uploads",
            _line_of(data, marker.start()),
        )

    try:
        tree = etree.parse(io.BytesIO(data), _new_parser())
    except etree.XMLSyntaxError as err:
        line = err.lineno if err.lineno else (err.position[0] if err.position else None)
        raise UnsafeXml(f"{filename}: not well-formed XML: {err.msg}", line) from err

    # Second line of defence, should the scan above ever miss a spelling.
    docinfo = tree.docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise UnsafeXml(f"{filename}: DOCTYPE declarations are not allowed in BPMN/DMN uploads", 1)
    return tree
