"""Text pasted from JSON, logs or source code, read as the characters it stands for.

A name or an address copied out of an API payload or a log line arrives as
`G\\u00f3recka`, `Calle de Alcal\\u00e1` or `jane@\\nexample.com`: the escape
cuts the value in two for every recognizer (and the model reads `G` and
`recka`). `edits` lists the escapes to undo in the detection copy; each
decoded character maps back to its whole escape, so the placeholder covers
what the writer sent.
"""

from __future__ import annotations

import re

ESCAPE = re.compile(
    r"\\u(?P<high>[dD][89abAB][0-9a-fA-F]{2})\\u(?P<low>[dD][c-fC-F][0-9a-fA-F]{2})"
    r"|\\u(?P<hex>[0-9a-fA-F]{4})|\\(?P<char>[nrt\"/\\])"
)
"""A surrogate pair (`\\ud83d\\ude00`), one `\\uXXXX`, or a one-letter escape (`\\n`, `\\"`)."""
QUICK = re.compile(r"\\[unrt]")
"""A cheap test that some escape may be there."""
_CHARS = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "/": "/", "\\": "\\"}


def _decoded(match: re.Match[str]) -> str:
    if match.group("high"):
        high, low = int(match.group("high"), 16), int(match.group("low"), 16)
        return chr(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
    if match.group("hex"):
        code = int(match.group("hex"), 16)
        return match.group(0) if 0xD800 <= code <= 0xDFFF else chr(code)
    return _CHARS[match.group("char")]


def edits(text: str) -> list[tuple[int, int, str]]:
    """(start, end, replacement) for each escape in `text`, in order, none overlapping."""
    if not QUICK.search(text):
        return []
    return [(m.start(), m.end(), _decoded(m)) for m in ESCAPE.finditer(text)]
