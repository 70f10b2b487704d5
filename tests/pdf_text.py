"""Read back a PDF the portal drew with fpdf2: its text, through each font's ToUnicode map, and its fonts.

Enough of PDF for fpdf2's own output (numbered objects, Flate streams, `Tf` then `Tj`/`TJ`), so the
tests need no PDF library.
"""
from __future__ import annotations

import re
import zlib

_OBJECT = re.compile(rb"(?m)^(\d+) 0 obj\b")
_FONT_RESOURCE = re.compile(rb"/(F\d+) (\d+) 0 R")
_LITERAL = rb"\((?:\\.|[^\\)])*\)"
_TEXT_OPERATOR = re.compile(rb"/(F\d+) [\d.]+ Tf|(" + _LITERAL + rb")\s*Tj|\[((?:" + _LITERAL + rb"|[^\]])*)\]\s*TJ",
                            re.S)
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f", b"(": b"(", b")": b")",
            b"\\": b"\\"}


def pdf_objects(body: bytes) -> dict[int, tuple[bytes, bytes]]:
    """Each object's dictionary and its stream (inflated), by object number."""
    objects = {}
    for match in _OBJECT.finditer(body):
        start = match.end()
        end, stream_at = body.find(b"endobj", start), body.find(b"stream", start)
        if stream_at == -1 or stream_at > end:
            objects[int(match.group(1))] = (body[start:end], b"")
            continue
        head = body[start:stream_at]
        data_at = stream_at + len(b"stream") + (2 if body[stream_at + 6:stream_at + 8] == b"\r\n" else 1)
        length = int(re.search(rb"/Length (\d+)", head).group(1))
        data = body[data_at:data_at + length]
        objects[int(match.group(1))] = (head, zlib.decompress(data) if b"/FlateDecode" in head else data)
    return objects


def _unescape(literal: bytes) -> bytes:
    out, i = bytearray(), 1
    while i < len(literal) - 1:
        char = literal[i:i + 1]
        if char != b"\\":
            out += char
            i += 1
            continue
        octal = re.match(rb"[0-7]{1,3}", literal[i + 1:i + 4])
        if octal:
            out.append(int(octal.group(0), 8) & 0xFF)
            i += 1 + len(octal.group(0))
        else:
            out += _ESCAPES.get(literal[i + 1:i + 2], b"")
            i += 2
    return bytes(out)


def _to_unicode(cmap: bytes) -> dict[int, str]:
    table = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.S):
        for code, text in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            table[int(code, 16)] = bytes.fromhex(text.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", cmap, re.S):
        for low, high, first in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            for n, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                table[code] = chr(int(first, 16) + n)
    return table


def pdf_fonts(body: bytes) -> dict[str, tuple[str, dict[int, str] | None]]:
    """Each font resource (`F1`...): its BaseFont and, for an embedded Unicode font, its ToUnicode map."""
    objects = pdf_objects(body)
    fonts = {}
    for head, _data in objects.values():
        for name, number in _FONT_RESOURCE.findall(head):
            font = objects[int(number)][0]
            base = re.search(rb"/BaseFont /([^\s/>]+)", font).group(1).decode()
            to_unicode = re.search(rb"/ToUnicode (\d+) 0 R", font)
            fonts[name.decode()] = (base, _to_unicode(objects[int(to_unicode.group(1))][1]) if to_unicode else None)
    return fonts


def pdf_text(body: bytes) -> str:
    """The text shown on the pages, one line per text operator, decoded font by font."""
    objects, fonts = pdf_objects(body), pdf_fonts(body)
    contents = [int(n) for head, _data in objects.values() for n in re.findall(rb"/Contents (\d+) 0 R", head)]
    lines, table = [], None
    for number in contents:
        for font, single, array in _TEXT_OPERATOR.findall(objects[number][1]):
            if font:
                table = fonts[font.decode()][1]
                continue
            raw = b"".join(_unescape(s) for s in re.findall(_LITERAL, single or array, re.S))
            if table is None:
                lines.append(raw.decode("latin-1"))
            else:
                lines.append("".join(table.get(int.from_bytes(raw[i:i + 2], "big"), "\ufffd")
                                     for i in range(0, len(raw), 2)))
    return "\n".join(lines)
