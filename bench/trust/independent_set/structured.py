"""Writers for machine formats (JSON, delimited rows) that keep each value's span.

Values are written raw inside the format's quoting, as a tool result written
with `ensure_ascii=False` would carry them; `ascii_json` gives the escaped
form `json.dumps` writes by default, which the adversarial part labels as its
own variant.
"""

from __future__ import annotations

import json
from typing import Any

from bench.trust.independent_set.writer import Doc, Val


def _scalar(doc: Doc, value: Any, ascii_only: bool) -> None:
    if isinstance(value, Val):
        quoted = json.dumps(value.text, ensure_ascii=ascii_only)
        inner = quoted[1:-1]
        variant = value.variant
        if inner != value.text:
            variant = "json_escape" if ascii_only else variant
        doc.text('"').value(Val(inner, value.type, variant)).text('"')
    else:
        doc.text(json.dumps(value, ensure_ascii=ascii_only))


def emit_json(
    doc: Doc, obj: Any, indent: int | None = 2, level: int = 0, ascii_only: bool = False
) -> Doc:
    """Write `obj` as JSON; `Val` leaves become labelled strings."""
    pad = "" if indent is None else "\n" + " " * (indent * (level + 1))
    close = "" if indent is None else "\n" + " " * (indent * level)
    sep = ", " if indent is None else ","
    if isinstance(obj, dict):
        doc.text("{")
        for i, (k, v) in enumerate(obj.items()):
            doc.text((sep if i else "") + pad + json.dumps(k) + ": ")
            emit_json(doc, v, indent, level + 1, ascii_only)
        doc.text(close + "}" if obj else "}")
    elif isinstance(obj, list):
        doc.text("[")
        for i, v in enumerate(obj):
            doc.text((sep if i else "") + pad)
            emit_json(doc, v, indent, level + 1, ascii_only)
        doc.text(close + "]" if obj else "]")
    else:
        _scalar(doc, obj, ascii_only)
    return doc


def emit_row(doc: Doc, cells: list[str | Val], delimiter: str, quote_all: bool = False) -> Doc:
    """One delimited row; a cell holding the delimiter, a quote or a space is quoted."""
    for i, cell in enumerate(cells):
        if i:
            doc.text(delimiter)
        text = cell.text if isinstance(cell, Val) else cell
        quoted = quote_all or any(c in text for c in (delimiter, '"', "\n"))
        if quoted:
            doc.text('"')
        if isinstance(cell, Val):
            doc.value(Val(text.replace('"', '""'), cell.type, cell.variant))
        else:
            doc.text(text.replace('"', '""'))
        if quoted:
            doc.text('"')
    return doc.text("\n")
