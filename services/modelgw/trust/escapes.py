"""Text pasted from JSON, logs, source code or HTML, read as the characters it stands for.

A name or an address copied out of an API payload, a log line or a web page
arrives as `G\\u00f3recka`, `Calle de Alcal\\u00e1`, `jane@\\nexample.com` or
`jane&#64;example&#46;com`: the escape cuts the value in two for every
recognizer (and the model reads `G` and `recka`). `edits` lists the escapes to
undo in the detection copy; each decoded character maps back to its whole
escape, so the placeholder covers what the writer sent.
"""

from __future__ import annotations

import re
from html.entities import html5

ESCAPE = re.compile(
    r"\\u(?P<high>[dD][89abAB][0-9a-fA-F]{2})\\u(?P<low>[dD][c-fC-F][0-9a-fA-F]{2})"
    r"|\\u(?P<hex>[0-9a-fA-F]{4})|\\(?P<char>[nrt\"/\\])"
    r"|&#(?P<decimal>\d{1,7});|&#[xX](?P<html_hex>[0-9a-fA-F]{1,6});|&(?P<entity>[A-Za-z]{2,8};)"
)
"""A surrogate pair (`\\ud83d\\ude00`), one `\\uXXXX`, a one-letter escape (`\\n`, `\\"`), or an
HTML character reference (`&#64;`, `&#x40;`, `&eacute;`)."""
QUICK = re.compile(r"\\[unrt]|&#?\w{2,8};")
"""A cheap test that some escape may be there."""
_CHARS = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "/": "/", "\\": "\\"}


def _decoded(match: re.Match[str]) -> str:
    if match.group("high"):
        high, low = int(match.group("high"), 16), int(match.group("low"), 16)
        return chr(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
    if match.group("entity"):
        return html5.get(match.group("entity"), match.group(0))
    number = match.group("hex") or match.group("html_hex")
    code = int(number, 16) if number else int(match.group("decimal") or -1)
    if code >= 0:
        valid = 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF
        return chr(code) if valid else match.group(0)
    return _CHARS[match.group("char")]


def edits(text: str) -> list[tuple[int, int, str]]:
    """(start, end, replacement) for each escape in `text`, in order, none overlapping."""
    if not QUICK.search(text):
        return []
    found = [(m.start(), m.end(), _decoded(m)) for m in ESCAPE.finditer(text)]
    return [(a, b, r) for a, b, r in found if r != text[a:b]]
