"""Long texts cut into overlapping chunks for detection, and the findings put back together.

Why chunks: spaCy refuses texts over its length limit, one long text would
hold a detector worker for seconds while other tenants wait behind it, and a
deadline could only fail it as a whole. Chunks are scheduled like any other
text (see `batching`), so a megabyte from one tenant is many small items.

Why overlap: consecutive chunks share `overlap` characters, so any value
shorter than that lies whole inside at least one chunk. A value cut at a
chunk's edge is also found whole in its neighbour; `resolve_overlaps` keeps the
longer finding. Cuts fall on whitespace where there is any near the cut.
"""

from __future__ import annotations

from collections.abc import Sequence

from modelgw.trust.detection import Detection
from modelgw.trust.detection_plan import resolve_overlaps

CHUNK_CHARS = 8_192
OVERLAP_CHARS = 512
"""Longer than any value a recognizer finds (addresses, IBANs, key blocks are shorter)."""


def _cut(text: str, start: int, end: int) -> int:
    """A cut point near `end` (after whitespace, in the window's last eighth), else `end`."""
    if end >= len(text):
        return len(text)
    floor = end - (end - start) // 8
    for position in range(end, floor, -1):
        if text[position - 1].isspace():
            return position
    return end


def split(
    text: str, size: int = CHUNK_CHARS, overlap: int = OVERLAP_CHARS
) -> list[tuple[int, int]]:
    """(start, end) of each chunk of `text`; each starts `overlap` before the last one ended.

    A text of at most `size` characters is one chunk.
    """
    assert size > 2 * overlap, "chunks must be longer than twice their overlap"
    bounds: list[tuple[int, int]] = []
    start = 0
    while True:
        end = _cut(text, start, start + size)
        bounds.append((start, end))
        if end >= len(text):
            return bounds
        start = end - overlap


def merge(found: Sequence[tuple[int, Sequence[Detection]]]) -> list[Detection]:
    """Findings of the chunks (offset, detections in chunk offsets) in the text's offsets."""
    shifted = [
        Detection(d.entity_type, offset + d.start, offset + d.end, d.score)
        for offset, detections in found
        for d in detections
    ]
    return resolve_overlaps(shifted)
