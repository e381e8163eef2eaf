"""The strings inside a JSON document, taken out one by one and put back masked.

Tool-call arguments, tool results and JSON schemas are JSON text. Detecting
personal data in that text as a whole would let a found span run across
JSON syntax (`John", "last": "Smith`) and a placeholder break the document;
it would also read values in their escaped form (`\\u00e9`). So each string
of the document (object keys included: a key can carry data too) is its own
text for the trust layer, decoded; `rebuild` puts the masked strings back
as JSON strings, so placeholders always sit inside valid JSON. Everything
between the strings (numbers, whitespace, layout) stays byte for byte.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
"""A string token. In valid JSON every `"` outside a string opens one, so scanning the
document from its start finds exactly its strings."""


@dataclass(frozen=True, slots=True)
class JsonStrings:
    """A JSON document cut at its strings."""

    text: str
    spans: tuple[tuple[int, int], ...]
    strings: tuple[str, ...]
    """The decoded value of each string token, in document order."""

    def rebuild(self, strings: Sequence[str]) -> str:
        """The document with its strings replaced; unchanged strings keep their bytes."""
        if len(strings) != len(self.strings):
            raise ValueError("a JSON document got back a different number of strings")
        pieces: list[str] = []
        cursor = 0
        for (start, end), old, new in zip(self.spans, self.strings, strings, strict=True):
            pieces.append(self.text[cursor:start])
            pieces.append(self.text[start:end] if new == old else encode_string(new))
            cursor = end
        pieces.append(self.text[cursor:])
        return "".join(pieces)


def encode_string(value: str) -> str:
    """`value` as a JSON string token (non-ASCII kept as is, like the documents we get)."""
    return json.dumps(value, ensure_ascii=False)


def escape_in_string(value: str) -> str:
    """`value` as it must appear *inside* a JSON string: quotes, backslashes and control
    characters escaped. The restorer's hook for JSON text (tool-call arguments, answers
    in a JSON response format), so a restored `O"Brien` or `C:\\x` keeps the JSON valid."""
    return encode_string(value)[1:-1]


def json_strings(text: str) -> JsonStrings | None:
    """The document's strings, or None when `text` is not JSON (then it is plain text)."""
    try:
        json.loads(text)
    except (ValueError, RecursionError):
        return None
    spans: list[tuple[int, int]] = []
    strings: list[str] = []
    for match in _STRING.finditer(text):
        spans.append(match.span())
        strings.append(json.loads(match.group()))
    return JsonStrings(text, tuple(spans), tuple(strings))
