"""Remembered analyses, so a chat that resends its history pays only for the new turn.

Keyed by the tenant's policy fingerprint and a SHA-256 of the text, never
the text itself; the value is a tuple of spans (type, offsets, score), which
holds no personal data. Entries of one tenant can never answer another's:
the fingerprint includes the tenant name.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

from modelgw.trust.detection_plan import Detection


def memo_key(fingerprint: str, text: str) -> bytes:
    digest = hashlib.sha256(fingerprint.encode())
    digest.update(b"\x00")
    digest.update(text.encode("utf-8", "surrogatepass"))
    return digest.digest()


class AnalysisMemo:
    """A bounded LRU map, safe to use from the event loop and worker threads."""

    def __init__(self, capacity: int) -> None:
        self._capacity = capacity
        self._entries: OrderedDict[bytes, tuple[Detection, ...]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: bytes) -> tuple[Detection, ...] | None:
        if not self._capacity:
            return None
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return found

    def put(self, key: bytes, detections: list[Detection]) -> None:
        if not self._capacity:
            return
        with self._lock:
            self._entries[key] = tuple(detections)
            self._entries.move_to_end(key)
            while len(self._entries) > self._capacity:
                self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)
